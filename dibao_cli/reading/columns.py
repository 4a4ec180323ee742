"""The roster columns dibao recognises: canonical Chinese header, accepted variants, kind, level, note.

Household-level columns may be filled on the head's row only or on every row; member-level columns
describe one person. Income items are open-ended: the known ones are listed here, and any other header
that ends like an income item (…收入, …补贴, …补助, …津贴, …金, …奖励) is read as one; the policy,
not the reader, decides which items count.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass, field

from dibao_cli.status import STATES

MEMBER = "member"
HOUSEHOLD = "household"


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    kind: str  # text name id date money money_signed count yes_no enum grade ignore
    level: str = MEMBER
    aliases: tuple[str, ...] = ()
    values: tuple[str, ...] = ()  # canonical values of an enum (drop-down in the template)
    mapping: dict = field(default_factory=dict)  # accepted spelling -> canonical value
    note: str = ""
    required: bool = False


def _enum_map(canonical: tuple[str, ...], extra: dict[str, str]) -> dict[str, str]:
    mapping = {v: v for v in canonical}
    mapping.update(extra)
    return mapping


AREA_TYPES = ("城市", "农村")
LABOUR = ("有", "部分丧失", "完全丧失", "无")
DISABILITY_TYPES = ("视力", "听力", "言语", "肢体", "智力", "精神", "多重")
SELF_CARE = ("全自理", "半失能", "全失能")
SUPPORT_MODES = ("分散供养", "集中供养")
SUPPORTERS = ("无", "无履行能力", "有履行能力")
SCHOOL_LEVELS = ("学前", "小学", "初中", "高中", "中职", "大专", "本科", "研究生")
UNIVERSITY_LEVELS = ("大专", "本科", "研究生")

INCOME_ITEMS = (
    ("工资性收入", ("工资收入", "工资性收入元", "wage", "wages"), False),
    ("经营净收入", ("经营性收入", "经营收入", "家庭经营净收入", "business"), True),
    ("财产净收入", ("财产性收入", "财产收入", "property_income"), True),
    ("转移净收入", ("转移性收入", "转移收入", "transfer"), True),
    ("其他收入", ("其它收入", "other_income"), False),
    ("优待抚恤金", ("抚恤金", "优抚金"), False),
    ("计划生育奖励扶助金", ("计划生育奖励与扶助金", "计生奖扶金", "计划生育奖扶金"), False),
    ("奖学金", (), False),
    ("基础养老金", ("城乡居民基础养老金", "城乡居民基本养老保险基础养老金"), False),
    ("残疾人两项补贴", ("两项补贴", "残疾人补贴"), False),
    ("高龄津贴", ("高龄补贴",), False),
    ("草原生态保护补助奖励", ("草原奖补", "草原生态奖补", "草原补奖"), False),
)
EXPENSE_ITEMS = (
    ("医疗支出", ("医疗费用", "医疗自付支出", "medical")),
    ("教育支出", ("教育费用", "education")),
    ("康复支出", ("康复费用", "rehabilitation")),
    ("基本生活支出", ("生活支出", "基本生活费用", "living_expense")),
    ("其他刚性支出", ("其他必需支出", "other_rigid_expense")),
)

COLUMNS: tuple[Column, ...] = (
    Column("seq", "序号", "ignore", aliases=("编号", "no"), note="可有可无，dibao 不使用"),
    Column("remarks", "备注", "ignore", aliases=("说明", "remarks"), note="备注，dibao 不使用"),
    Column("township", "乡镇", "text", HOUSEHOLD, ("乡镇街道", "乡镇(街道)", "街道", "乡(镇)", "township"),
           note="乡镇或街道名称"),
    Column("village", "村(社区)", "text", HOUSEHOLD, ("村", "村社区", "社区", "村居", "村委会", "行政村", "village"),
           note="村或社区名称"),
    Column("household_id", "户编号", "text", HOUSEHOLD, ("户号", "家庭编号", "户编码", "household_id", "household"),
           note="同一户的每个成员填同一个户编号（可合并单元格）", required=True),
    Column("head_name", "户主姓名", "name", HOUSEHOLD, ("户主", "head_name"), note="户主的姓名"),
    Column("name", "姓名", "name", aliases=("成员姓名", "家庭成员姓名", "name"), note="成员姓名", required=True),
    Column("id_number", "身份证号", "id", aliases=("身份证号码", "公民身份号码", "公民身份证号码", "身份证", "证件号码",
                                               "id", "id_number", "idcard"),
           note="18位身份证号；请把本列设为文本格式，否则 Excel 会丢掉后几位", required=True),
    Column("relation", "与户主关系", "text", aliases=("与户主的关系", "关系", "家庭关系", "relation"),
           note="户主本人填“户主”；其他人填配偶、子女等", required=True),
    Column("sex", "性别", "enum", values=("男", "女"), mapping=_enum_map(("男", "女"), {"m": "男", "f": "女"}),
           aliases=("sex", "gender"), note="男或女；与身份证号第17位核对"),
    Column("birth_date", "出生日期", "date", aliases=("出生年月日", "出生年月", "生日", "birth_date", "birthday"),
           note="与身份证号中的出生日期核对；年龄一律按身份证号计算"),
    Column("ethnicity", "民族", "text", aliases=("ethnicity",), note="如 汉族、藏族、回族、土族、撒拉族、蒙古族"),
    Column("area_type", "城乡类别", "enum", HOUSEHOLD, ("城乡", "城乡属性", "户籍类别", "城乡类型", "area_type"),
           values=AREA_TYPES, mapping=_enum_map(AREA_TYPES, {"城镇": "城市", "城": "城市", "乡村": "农村", "农": "农村",
                                                             "urban": "城市", "rural": "农村"}),
           note="城市或农村，决定适用哪一个低保标准"),
    Column("disability_type", "残疾类别", "enum", aliases=("残疾类型", "disability_type"), values=DISABILITY_TYPES,
           mapping=_enum_map(DISABILITY_TYPES, {f"{v}残疾": v for v in DISABILITY_TYPES} | {"无": "", "否": ""}),
           note="视力、听力、言语、肢体、智力、精神、多重；不是残疾人留空"),
    Column("disability_grade", "残疾等级", "grade", aliases=("残疾级别", "disability_grade"),
           values=("一级", "二级", "三级", "四级"), note="一级至四级（按残疾证）；不是残疾人留空"),
    Column("serious_illness", "重病", "yes_no", aliases=("是否重病", "重病患者", "重特大疾病", "serious_illness"),
           values=("是", "否"), note="经认定的重病患者填“是”"),
    Column("labour", "劳动能力", "enum", aliases=("劳动能力状况", "labour"), values=LABOUR,
           mapping=_enum_map(LABOUR, {"有劳动能力": "有", "部分丧失劳动能力": "部分丧失", "完全丧失劳动能力": "完全丧失",
                                      "无劳动能力": "无", "弱劳动能力": "部分丧失", "丧失劳动能力": "完全丧失",
                                      "普通劳动力": "有", "技能劳动力": "有"}),
           note="有、部分丧失、完全丧失、无（未成年人、在校学生可填“无”）"),
    Column("student", "在校学生", "yes_no", aliases=("是否在校学生", "在校生", "student"), values=("是", "否"),
           note="全日制在校学生填“是”"),
    Column("co_resident", "共同生活", "yes_no", aliases=("是否共同生活", "共同生活成员", "co_resident"),
           values=("是", "否"), note="不共同生活的成员填“否”，不计入家庭人口；留空视为“是”"),
    Column("lifted_out", "脱贫户", "yes_no", HOUSEHOLD, ("是否脱贫户", "脱贫人口", "lifted_out"), values=("是", "否"),
           note="脱贫户（含脱贫不稳定户）填“是”"),
    Column("tekun", "特困", "yes_no", aliases=("特困人员", "是否特困", "特困供养", "tekun"), values=("是", "否"),
           note="已认定为特困供养人员的成员填“是”"),
    Column("self_care", "自理能力", "enum", aliases=("生活自理能力", "自理状况", "照料等级", "self_care"), values=SELF_CARE,
           mapping=_enum_map(SELF_CARE, {"生活全自理": "全自理", "自理": "全自理", "部分失能": "半失能",
                                         "部分丧失生活自理能力": "半失能", "半自理": "半失能", "完全失能": "全失能",
                                         "完全丧失生活自理能力": "全失能", "不能自理": "全失能"}),
           note="特困人员（及申请人）的生活自理能力评估结果：全自理、半失能、全失能；决定照料护理标准"),
    Column("support_mode", "供养方式", "enum", aliases=("特困供养方式", "support_mode"), values=SUPPORT_MODES,
           mapping=_enum_map(SUPPORT_MODES, {"分散": "分散供养", "居家": "分散供养", "集中": "集中供养",
                                             "机构供养": "集中供养", "敬老院": "集中供养", "福利院": "集中供养"}),
           note="特困人员：分散供养（在家）或集中供养（在供养机构，供养金付给机构）；留空按分散供养"),
    Column("supporter", "赡养抚养扶养人", "enum", aliases=("法定赡养抚养扶养义务人", "赡养人", "扶养义务人", "义务人",
                                                   "supporter"), values=SUPPORTERS,
           mapping=_enum_map(SUPPORTERS, {"没有": "无", "无义务人": "无", "有但无履行能力": "无履行能力",
                                          "有，无履行能力": "无履行能力", "有,无履行能力": "无履行能力", "无能力": "无履行能力", "有": "有履行能力",
                                          "有，有履行能力": "有履行能力", "有,有履行能力": "有履行能力", "有能力": "有履行能力"}),
           note="特困认定：无（没有法定赡养、抚养、扶养义务人）、无履行能力、有履行能力；留空则只列为特困候选"),
    Column("school_level", "就读学段", "enum", aliases=("学段", "在读学段", "school_level"), values=SCHOOL_LEVELS,
           mapping=_enum_map(SCHOOL_LEVELS, {"高职": "大专", "专科": "大专", "大学": "本科", "大学本科": "本科",
                                             "硕士": "研究生", "博士": "研究生", "幼儿园": "学前"}),
           note="在校学生的学段；大专、本科、研究生为在校大学生（刚性支出困难家庭可按单人保纳入）"),
    Column("deposits", "存款及金融资产", "money", HOUSEHOLD, ("存款", "金融资产", "存款及有价证券", "deposits"),
           note="全家存款、理财、股票等合计（元）"),
    Column("vehicles", "机动车辆", "count", HOUSEHOLD, ("机动车", "车辆", "机动车数量", "vehicles"),
           note="全家机动车（汽车、大型农机等）数量"),
    Column("homes", "房产套数", "count", HOUSEHOLD, ("住房套数", "房产", "房屋套数", "homes"), note="全家住房套数"),
    Column("business", "工商登记", "yes_no", HOUSEHOLD, ("市场主体", "工商注册", "个体工商户", "business"),
           values=("是", "否"), note="家庭成员有登记的企业、个体工商户或合作社填“是”"),
    Column("state", "当前保障类别", "enum", HOUSEHOLD, ("保障类别", "当前类别", "救助类别", "state"), values=STATES,
           mapping=_enum_map(STATES, {"低保户": "低保", "城市低保": "低保", "农村低保": "低保", "单人保": "单人户",
                                      "渐退": "渐退期", "特困供养": "特困", "低保边缘": "边缘", "边缘户": "边缘",
                                      "否": "无", "未纳入": "无", "刚性支出困难家庭": "刚性支出",
                                      "刚性支出困难": "刚性支出"}),
           note="低保、单人户、渐退期、特困、边缘、刚性支出、无"),
    Column("enrolled_on", "纳入日期", "date", HOUSEHOLD, ("纳入时间", "审批日期", "enrolled_on"), note="纳入低保的日期；刚性支出困难家庭填认定日期（有效期从这天算起）"),
    Column("phase_out_start", "渐退开始日期", "date", HOUSEHOLD, ("渐退开始时间", "渐退日期", "phase_out_start"),
           note="进入渐退期的日期"),
    Column("last_check", "上次核查日期", "date", HOUSEHOLD, ("上次核查时间", "最近核查日期", "复核日期", "last_check"),
           note="最近一次核查的日期"),
    Column("current_benefit", "当前月保障金", "money", HOUSEHOLD, ("月保障金", "月低保金", "保障金额", "当前保障金",
                                                            "current_benefit"), note="全户当前每月领取的低保金（元）"),
) + tuple(
    Column(f"income:{item}", item, "money_signed" if signed else "money", aliases=aliases,
           note=f"近12个月{item}（元/年）")
    for item, aliases, signed in INCOME_ITEMS
) + tuple(
    Column(f"expense:{item}", item, "money", aliases=aliases, note=f"近12个月{item}（元/年）")
    for item, aliases in EXPENSE_ITEMS
)

BY_KEY = {c.key: c for c in COLUMNS}
REQUIRED = tuple(c for c in COLUMNS if c.required)

_UNIT_SUFFIX = re.compile(r"[(（\[【]\s*(元|元/年|元/月|元每年|年|月|套|辆|个|人)?\s*[)）\]】]$")
_PUNCT = re.compile(r"[\s()（）\[\]【】{}<>《》:：*＊、,，.。;；'\"“”‘’_\-—/\\|]+")
_INCOME_SUFFIXES = ("收入", "补贴", "补助", "津贴", "补助金", "奖励", "奖金", "救助金", "抚恤金", "养老金",
                    "金", "所得")


@functools.lru_cache(maxsize=None)
def _t2s():
    import opencc  # imported lazily: only header cells need it

    return opencc.OpenCC("t2s")


def header_key(raw, simplified: bool = False) -> str:
    """Normalise a header cell for matching: simplified characters, no spaces, units or punctuation."""
    if raw is None:
        return ""
    s = unicodedata.normalize("NFKC", str(raw)).strip()
    if not s:
        return ""
    if not simplified and not s.isascii():
        s = _t2s().convert(s)
    s = _UNIT_SUFFIX.sub("", s.replace(" ", ""))
    return _PUNCT.sub("", s).lower()


def _alias_table() -> dict[str, Column]:
    table: dict[str, Column] = {}
    for column in COLUMNS:
        for alias in (column.header, *column.aliases):
            table.setdefault(header_key(alias, simplified=True), column)
    return table


ALIASES = _alias_table()


def recognise(raw) -> Column | None:
    """The known column a header cell names, or None."""
    key = header_key(raw)
    return ALIASES.get(key) if key else None


def income_item_column(raw) -> Column | None:
    """A column for an income item the catalogue does not list (the policy decides whether it counts)."""
    key = header_key(raw)
    if not key or key.isascii():
        return None
    if key.endswith(_INCOME_SUFFIXES) and not key.endswith("支出"):
        label = text_header(raw)
        return Column(f"income:{label}", label, "money", note="名册自带的收入项目")
    return None


def text_header(raw) -> str:
    """A header as shown to the clerk: simplified, no line breaks or unit suffix."""
    s = unicodedata.normalize("NFKC", str(raw)).strip()
    if not s.isascii():
        s = _t2s().convert(s)
    return _UNIT_SUFFIX.sub("", "".join(s.split()))
