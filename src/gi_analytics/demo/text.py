"""Narrative text for generated demo reports: sections 1, 5 and 6 composed from phrase pools.

Numbers stated in the text come from the report's own tables (the caller passes them in `Facts`), so the
text agrees with the tables unless an anomaly is injected on purpose.
"""

from __future__ import annotations

import random
from dataclasses import dataclass


@dataclass(frozen=True)
class Facts:
    name: str  # the unit as the text names itself (a neighbour's name when that anomaly is injected)
    self_ref: str  # 我镇 / 我乡 / 我街道
    year: int
    received: int
    carried_over: int
    processed: int
    granted: int
    carried_forward: int
    review: int
    litigation: int
    published: int  # 主动公开信息条数 (not in the tables)


CHANNELS = [
    "政府门户网站",
    "政务公开栏",
    "村务公开栏",
    "微信公众号",
    "电子显示屏",
    "便民服务中心触摸屏",
    "农村大喇叭",
    "政务微博",
    "宣传折页",
    "村(居)民代表会议",
    "新时代文明实践站",
    "社区公告栏",
    "政务服务大厅",
    "网格群",
    "短视频平台账号",
]
TOPICS = [
    "机构职能",
    "财政预决算",
    "惠农补贴发放",
    "城乡低保",
    "特困供养",
    "征地补偿",
    "重点项目建设",
    "安全生产",
    "生态环境保护",
    "乡村振兴",
    "人居环境整治",
    "民生实事",
    "就业创业",
    "医疗保障",
    "退役军人服务",
    "农村危房改造",
    "防汛抗旱",
    "秸秆禁烧",
    "森林防火",
    "耕地保护",
    "义务教育",
    "养老服务",
    "食品安全",
    "消防安全",
    "集体经济",
    "殡葬改革",
    "招商引资",
    "老旧小区改造",
]

OPENINGS = [
    "{year}年，{name}认真贯彻落实《中华人民共和国政府信息公开条例》，在区委、区政府的正确领导下，"
    "坚持以公开为常态、不公开为例外，扎实推进政府信息公开工作。",
    "{year}年，{name}以群众需求为导向，对照年度政务公开工作要点，逐项细化任务分工，"
    "政府信息公开工作总体平稳有序。",
    "根据《中华人民共和国政府信息公开条例》和上级有关要求，{name}编制本年度报告，现将{year}年工作情况报告如下。",
    "{year}年，{name}紧扣中心工作，把政务公开作为转变作风、优化服务的重要抓手，持续提升公开质效。",
    "过去一年，{name}党委、政府高度重视政务公开，成立了由分管领导牵头的工作专班，{year}年度各项公开任务均按期完成。",
    "{year}年以来，{name}围绕群众关切，不断拓展公开渠道、规范公开程序，推动政府信息公开工作走深走实。",
    "本报告由{name}党政综合办公室根据《中华人民共和国政府信息公开条例》要求编制，反映{year}年度政府信息公开工作情况。",
    "{year}年，{name}坚持问题导向，以“公开透明、便民高效”为目标，稳步做好政府信息公开各项工作。",
]
ACTIVE_SENTENCES = [
    "全年通过{channels}等渠道主动公开政府信息{published}条，重点公开了{topics}等方面的信息。",
    "{self_ref}依托{channels}发布各类信息{published}条，其中涉及{topics}的内容占比较大。",
    "本年度共主动公开政府信息{published}条，及时公开{topics}等群众关心关注的事项，公开渠道主要为{channels}。",
    "围绕{topics}等重点领域，{self_ref}通过{channels}累计公开信息{published}条，做到应公开尽公开。",
    "主动公开方面，{self_ref}全年在{channels}上更新信息{published}条，内容涵盖{topics}等。",
]
REQUEST_SENTENCES = [
    "全年共收到政府信息公开申请{received}件{carry_in}，办结{processed}件，其中予以公开{granted}件{carry_out}。",
    "依申请公开方面，全年共收到政府信息公开申请{received}件{carry_in}，已全部按法定时限答复，"
    "办结{processed}件，予以公开{granted}件{carry_out}。",
    "{self_ref}严格执行依申请公开办理流程，全年共收到政府信息公开申请{received}件{carry_in}，"
    "办结{processed}件{carry_out}。",
]
NO_REQUEST_SENTENCES = [
    "{year}年度{self_ref}全年未收到政府信息公开申请。",
    "本年度{self_ref}未收到公民、法人或其他组织提出的政府信息公开申请。",
    "全年未收到政府信息公开申请，无依申请公开办理事项。",
]
MANAGEMENT_SENTENCES = [
    "严格落实信息发布前保密审查制度，坚持“先审后发”，全年未发生泄密事件。",
    "建立健全政府信息公开台账，对公开信息实行动态更新、分类管理。",
    "对本机关制发的文件逐件确定公开属性，做到源头认定、全程管理。",
    "定期开展公开内容自查，对过时、失效信息及时清理归档。",
    "落实信息公开责任清单，明确各办(站、所)的公开职责和时限。",
    "规范依申请公开受理、登记、审核、答复等环节，确保程序合法、答复规范。",
    "加强对村(社区)公开工作的指导，推动基层公开标准化规范化。",
]
PLATFORM_SENTENCES = [
    "持续优化政府信息公开专栏，调整栏目设置，方便群众查阅。",
    "在便民服务中心设立政府信息查阅点，配备专人提供查询服务。",
    "及时更新政府信息公开指南和目录，公开受理机构名称、地址、电话等信息。",
    "推进公开平台集约化建设，统一发布口径，提升信息检索便利度。",
    "利用新媒体开展政策解读，以图解、短视频等形式增强公开效果。",
]
SUPERVISION_SENTENCES = [
    "将政务公开工作纳入年度目标考核，定期通报工作进展。",
    "主动接受人大代表、政协委员和社会各界监督，畅通意见反馈渠道。",
    "组织工作人员参加政务公开业务培训{trainings}次，提升业务能力。",
    "建立政务公开工作月调度机制，对发现的问题限期整改。",
    "聘请社会评议员对公开工作进行评议，评议结果作为改进工作的重要依据。",
]
APPEALS_NONE = [
    "全年未发生因政府信息公开申请引起的行政复议、行政诉讼案件。",
    "本年度未发生因政府信息公开引发的行政复议和行政诉讼。",
    "{year}年{self_ref}未发生涉及政府信息公开的行政复议、行政诉讼。",
]

PROBLEMS = [
    "公开内容不够全面，部分领域信息更新不够及时",
    "工作人员业务水平参差不齐，对公开属性的把握还不够精准",
    "政策解读形式较为单一，图解、视频等群众喜闻乐见的解读方式运用不多",
    "基层公开栏目管理不够规范，个别村(社区)公开内容更新滞后",
    "依申请公开答复的规范化水平有待提高",
    "公开信息与群众需求的契合度还不够高，互动回应不够充分",
    "专职人员配备不足，工作人员多为兼职，精力投入有限",
    "信息发布审核流程还需进一步细化",
    "公开平台栏目设置不够清晰，群众查找信息不够便捷",
    "主动公开的深度和广度还有提升空间",
    "对新修订条例的学习宣传不够深入",
    "部分信息公开存在“重形式、轻实效”的现象",
]
MEASURES = [
    "加大业务培训力度，定期组织学习《中华人民共和国政府信息公开条例》，提高工作人员业务能力",
    "完善信息发布审核机制，严格执行“三审三校”，确保公开信息准确规范",
    "聚焦群众关心关注的热点问题，及时准确公开相关信息",
    "丰富政策解读形式，更多运用图表图解、音频视频等方式解读政策",
    "加强对村(社区)公开工作的督促指导，推动基层政务公开标准化规范化",
    "优化公开平台栏目设置，提升信息检索和查阅的便利度",
    "健全依申请公开工作机制，规范受理、办理、答复各环节",
    "强化考核监督，将政务公开纳入日常工作考核内容",
    "充实工作力量，明确专人负责信息公开日常工作",
    "建立信息公开工作台账，实行清单化管理、销号式推进",
    "畅通群众意见反馈渠道，及时回应社会关切",
    "做好政府信息公开指南和目录的动态更新",
    "加强保密审查，防止涉密和敏感信息公开",
    "推动政务公开与政务服务深度融合，提升办事便利度",
]
LEADS_PROBLEMS = [
    "存在的主要问题：",
    "(一)存在的问题。",
    "一年来，{self_ref}政府信息公开工作取得了一定成效，但仍存在一些不足：",
    "对照上级要求，{self_ref}政府信息公开工作还存在以下问题：",
    "(一)主要问题。",
]
LEADS_MEASURES = [
    "改进措施：",
    "(二)改进情况。",
    "下一步，{self_ref}将重点做好以下工作：",
    "针对上述问题，{self_ref}将采取以下措施：",
    "(二)下一步工作打算。",
]
ORDINALS = ["一是", "二是", "三是", "四是", "五是"]

FEE_SENTENCES = [
    "本年度{self_ref}未收取政府信息公开信息处理费。",
    "按照《政府信息公开信息处理费管理办法》，{year}年度{self_ref}未发生收取信息处理费的情况。",
    "本年度未向申请人收取任何费用。",
    "{year}年{self_ref}办理政府信息公开申请均未收取信息处理费。",
]
PROPOSAL_SENTENCES = [
    "本年度承办人大代表建议{a}件、政协委员提案{b}件，均已按期办结并公开办理结果。",
    "{year}年{self_ref}共办理人大代表建议和政协提案{ab}件，办复率100%。",
    "本年度{self_ref}无人大代表建议和政协提案办理任务。",
]
FOCUS_SENTENCES = [
    "按照年度政务公开工作要点，{self_ref}重点推进了{topics}等领域的信息公开。",
    "{year}年{self_ref}围绕{topics}开展了专项公开，相关信息已在{channels}同步发布。",
    "落实上级关于{topics}等重点领域信息公开的部署，{self_ref}逐项建立了公开清单。",
    "结合{topics}等工作，{self_ref}组织了{n}次政府开放日和政策宣讲活动。",
]
WORKPOINT_SENTENCES = [
    "{self_ref}已按要求落实上级政务公开工作要点，相关情况已在本报告中反映。",
    "本年度政务公开工作要点确定的各项任务均已完成。",
    "{self_ref}按照上级部署完成了政府信息公开专栏的规范化整改。",
    "本年度无其他需要报告的重大事项。",
    "其他需要报告的事项：无。",
]


def _pick(rng: random.Random, pool: list[str], k: int) -> list[str]:
    return rng.sample(pool, min(k, len(pool)))


def _list(rng: random.Random, pool: list[str], lo: int, hi: int) -> str:
    return "、".join(_pick(rng, pool, rng.randint(lo, hi)))


def section1(rng: random.Random, f: Facts) -> str:
    """总体情况: an opening, then (一)…(四) sub-paragraphs with the report's own numbers."""
    fmt = {
        "name": f.name,
        "self_ref": f.self_ref,
        "year": f.year,
        "published": f.published,
        "channels": _list(rng, CHANNELS, 2, 4),
        "topics": _list(rng, TOPICS, 3, 5),
        "trainings": rng.randint(1, 6),
    }
    paragraphs = [rng.choice(OPENINGS).format(**fmt)]
    paragraphs.append("(一)主动公开情况。" + rng.choice(ACTIVE_SENTENCES).format(**fmt))
    paragraphs.append("(二)依申请公开情况。" + _requests_sentence(rng, f, fmt))
    management = _pick(rng, MANAGEMENT_SENTENCES, rng.randint(2, 3)) + _pick(rng, PLATFORM_SENTENCES, 1)
    paragraphs.append("(三)政府信息管理和平台建设情况。" + "".join(management))
    supervision = _pick(rng, SUPERVISION_SENTENCES, rng.randint(1, 3))
    paragraphs.append("(四)监督保障情况。" + "".join(s.format(**fmt) for s in supervision))
    return "\n".join(paragraphs)


def _requests_sentence(rng: random.Random, f: Facts, fmt: dict) -> str:
    if f.received == 0 and f.carried_over == 0:
        text = rng.choice(NO_REQUEST_SENTENCES).format(**fmt)
    else:
        carry_in = f"，上年结转{f.carried_over}件" if f.carried_over else ""
        carry_out = f"，结转下年度继续办理{f.carried_forward}件" if f.carried_forward else ""
        text = rng.choice(REQUEST_SENTENCES).format(
            received=f.received,
            processed=f.processed,
            granted=f.granted,
            carry_in=carry_in,
            carry_out=carry_out,
            self_ref=f.self_ref,
        )
    return text + _appeals_sentence(rng, f, fmt)


def _appeals_sentence(rng: random.Random, f: Facts, fmt: dict) -> str:
    if f.review == 0 and f.litigation == 0:
        return rng.choice(APPEALS_NONE).format(**fmt)
    parts = [f"行政复议{f.review}件"] if f.review else []
    parts += [f"行政诉讼{f.litigation}件"] if f.litigation else []
    return f"全年发生因政府信息公开引起的{'、'.join(parts)}。"


def section5(rng: random.Random, self_ref: str) -> str:
    """存在的主要问题及改进情况: no numbers and no unit name, so it can be copied verbatim between reports."""
    problems = _pick(rng, PROBLEMS, rng.randint(2, 4))
    measures = _pick(rng, MEASURES, rng.randint(3, 5))
    lead = rng.randrange(len(LEADS_PROBLEMS))  # the two lead-ins are written as pairs
    lead_p = LEADS_PROBLEMS[lead].format(self_ref=self_ref)
    lead_m = LEADS_MEASURES[lead].format(self_ref=self_ref)
    first = lead_p + "；".join(o + p for o, p in zip(ORDINALS, problems, strict=False)) + "。"
    second = lead_m + "；".join(o + m for o, m in zip(ORDINALS, measures, strict=False)) + "。"
    return first + "\n" + second


def section6(rng: random.Random, self_ref: str, year: int) -> str:
    a, b = rng.randint(0, 6), rng.randint(0, 4)
    fmt = {
        "self_ref": self_ref,
        "year": year,
        "a": a,
        "b": b,
        "ab": a + b,
        "n": rng.randint(1, 5),
        "topics": _list(rng, TOPICS, 2, 4),
        "channels": _list(rng, CHANNELS, 1, 2),
    }
    sentences = [rng.choice(FEE_SENTENCES), rng.choice(PROPOSAL_SENTENCES), rng.choice(WORKPOINT_SENTENCES)]
    rng.shuffle(sentences)
    sentences = [rng.choice(FOCUS_SENTENCES), *sentences[: rng.randint(1, 3)]]
    return "".join(s.format(**fmt) for s in sentences)
