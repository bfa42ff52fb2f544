-- gi-analytics DuckDB schema. One row per thing; cells in long form.
CREATE SEQUENCE IF NOT EXISTS unit_ids;
CREATE SEQUENCE IF NOT EXISTS report_ids;
CREATE SEQUENCE IF NOT EXISTS file_ids;

CREATE TABLE IF NOT EXISTS meta (key VARCHAR PRIMARY KEY, value VARCHAR);

CREATE TABLE IF NOT EXISTS units (
    unit_id INTEGER PRIMARY KEY DEFAULT nextval('unit_ids'),
    name VARCHAR NOT NULL,
    district VARCHAR NOT NULL DEFAULT '',
    kind VARCHAR,                     -- 镇 | 乡 | 街道 | 部门 | 其他
    UNIQUE (name, district)
);

CREATE TABLE IF NOT EXISTS reports (
    report_id INTEGER PRIMARY KEY DEFAULT nextval('report_ids'),
    unit_id INTEGER NOT NULL,
    year INTEGER NOT NULL,
    template VARCHAR,                 -- '2019' | '2021' | NULL
    period_start DATE,
    period_end DATE,
    source VARCHAR NOT NULL,          -- file name as received
    format VARCHAR NOT NULL,          -- txt | html | docx | pdf
    content_hash VARCHAR NOT NULL,    -- sha256 of the file bytes
    version INTEGER NOT NULL,         -- 1, 2, ... per (unit, year)
    is_current BOOLEAN NOT NULL,      -- the newest version of (unit, year)
    ingested_at TIMESTAMP NOT NULL,
    published DATE,                   -- the date the report was published, where printed
    unit_printed VARCHAR,             -- the unit's name as the title prints it
    deadline DATE                     -- the units CSV's deadline for this report; NULL: the 条例's
);
-- databases written before these columns existed
ALTER TABLE reports ADD COLUMN IF NOT EXISTS published DATE;
ALTER TABLE reports ADD COLUMN IF NOT EXISTS unit_printed VARCHAR;
ALTER TABLE reports ADD COLUMN IF NOT EXISTS deadline DATE;

CREATE TABLE IF NOT EXISTS originals (
    content_hash VARCHAR PRIMARY KEY,
    data BLOB NOT NULL
);

CREATE TABLE IF NOT EXISTS cells (
    report_id INTEGER NOT NULL,
    tbl VARCHAR NOT NULL,             -- active | requests | appeals
    row_key VARCHAR NOT NULL,
    col_key VARCHAR NOT NULL,
    value DOUBLE,                     -- NULL unless state = 'number'
    state VARCHAR NOT NULL            -- number | blank | nothing | unreadable
);

CREATE TABLE IF NOT EXISTS sections (
    report_id INTEGER NOT NULL,
    no INTEGER NOT NULL,
    title VARCHAR NOT NULL,
    text VARCHAR NOT NULL
);

CREATE TABLE IF NOT EXISTS problems (
    report_id INTEGER NOT NULL,
    code VARCHAR NOT NULL,
    severity VARCHAR NOT NULL,
    message VARCHAR NOT NULL,
    location VARCHAR NOT NULL
);

-- every file ever offered to ingest, including those that could not be read
CREATE TABLE IF NOT EXISTS files (
    file_id INTEGER PRIMARY KEY DEFAULT nextval('file_ids'),
    source VARCHAR NOT NULL,
    content_hash VARCHAR,
    outcome VARCHAR NOT NULL,         -- stored | unchanged | failed
    reason VARCHAR,                   -- Chinese, when failed
    report_id INTEGER,
    ingested_at TIMESTAMP NOT NULL
);

CREATE TABLE IF NOT EXISTS findings (
    report_id INTEGER,                -- NULL for a missing report
    unit_id INTEGER NOT NULL,
    year INTEGER NOT NULL,
    check_id VARCHAR NOT NULL,
    severity VARCHAR NOT NULL,        -- error | warning | info
    status VARCHAR NOT NULL,          -- failed | not_evaluated
    tbl VARCHAR,
    row_key VARCHAR,
    col_key VARCHAR,
    section_no INTEGER,
    expected DOUBLE,
    actual DOUBLE,
    message VARCHAR NOT NULL
);

-- every document fetched from the web (gi-analytics fetch): where it came from, when, and its bytes' hash
CREATE TABLE IF NOT EXISTS fetches (
    url VARCHAR NOT NULL,             -- as requested: the report page, or the unit's listing page
    final_url VARCHAR NOT NULL,       -- the document itself, after the listing, redirects and attachment
    content_hash VARCHAR NOT NULL,    -- sha256 of the bytes; joins reports.content_hash
    file_name VARCHAR NOT NULL,
    fetched_at TIMESTAMP NOT NULL
);

-- the rest of the fetches data: a unit's listing page searched for a year's report that was not there
-- (gi-analytics fetch --units); checked after the deadline, the unit-year is missing as of that date
CREATE TABLE IF NOT EXISTS listing_checks (
    url VARCHAR NOT NULL,             -- the listing page
    unit VARCHAR NOT NULL,            -- as the units CSV names it (normalized like units.name)
    district VARCHAR NOT NULL DEFAULT '',
    year INTEGER NOT NULL,            -- the report looked for
    checked_at TIMESTAMP NOT NULL,
    deadline DATE NOT NULL            -- the unit's deadline for that report
);

-- the supervisor's review of a finding, keyed by the finding's place (store/reviews.py): it survives re-ingest,
-- new versions and rebuilds; no row means 待核实
CREATE TABLE IF NOT EXISTS reviews (
    finding_id VARCHAR PRIMARY KEY,   -- md5 of district|unit|year|check|table|row|column|section, 12 hex digits
    district VARCHAR NOT NULL,
    unit VARCHAR NOT NULL,
    year INTEGER NOT NULL,
    check_id VARCHAR NOT NULL,
    tbl VARCHAR,
    row_key VARCHAR,
    col_key VARCHAR,
    section_no INTEGER,
    status VARCHAR NOT NULL,          -- 待核实 | 已确认 | 已忽略 | 已整改
    note VARCHAR NOT NULL DEFAULT '',
    reviewer VARCHAR NOT NULL DEFAULT '',
    reviewed_at TIMESTAMP NOT NULL,
    version INTEGER                   -- 已整改: the version of the report that no longer has the finding
);
