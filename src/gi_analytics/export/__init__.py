"""Files for meetings: figures as PNG/SVG (images), tables as CSV/XLSX and download buttons (tables), the
PPTX/PDF meeting pack (slides, built by pack). `from gi_analytics import export` gives the public names."""

from .images import (
    IMAGE_FORMATS,
    MIME,
    TABLE_FORMATS,
    ExportError,
    browser_path,
    figure_downloads,
    figure_image,
    figure_images,
    figure_png,
    figure_svg,
    for_export,
    warm_up,
)
from .slides import Pack, Slide, pack_file, pack_pdf, pack_pptx
from .tables import (
    Download,
    figure_download_items,
    labelled,
    table_csv,
    table_download_items,
    table_downloads,
    table_xlsx,
)

__all__ = [
    "IMAGE_FORMATS", "MIME", "TABLE_FORMATS", "Download", "ExportError", "Pack", "Slide", "browser_path",
    "figure_download_items", "figure_downloads", "figure_image", "figure_images", "figure_png", "figure_svg",
    "for_export", "labelled", "pack_file", "pack_pdf", "pack_pptx", "table_csv", "table_download_items",
    "table_downloads", "table_xlsx", "warm_up",
]
