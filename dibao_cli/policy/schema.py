"""What a policy file may hold: every parameter with its type, unit and label (for `dibao policy show`).

Each parameter is dated and cited in the file; this catalogue only says what is allowed. A parameter
or key that is not here is an error in the file, never ignored.
"""

from __future__ import annotations

from dataclasses import dataclass

AREA_TYPES = ("农村", "城市")
INCOME_CATEGORIES = ("工资性收入", "经营净收入", "财产净收入", "转移净收入", "其他收入")
EXPENSES = ("医疗支出", "教育支出", "康复支出")
DISABILITY_TYPES = ("视力", "听力", "言语", "肢体", "智力", "精神", "多重")
CLASSIFIED_CATEGORIES = ("重度残疾", "重病", "老年", "未成年")
TEKUN_EXCLUDABLE = ("基础养老金", "优待抚恤金", "高龄津贴", "计划生育奖励扶助金", "奖学金", "残疾人两项补贴",
                    "社会保险待遇")
RIGID_EXPENSES = ("基本生活支出", "医疗支出", "教育支出", "康复支出", "其他刚性支出")
ROUNDING = {"元": "1", "角": "0.1", "分": "0.01"}
INCOME_TREATMENT = {"计入": True, "不计入": False}


@dataclass(frozen=True)
class Param:
    name: str
    kind: str  # money share multiplier months count bool choices grades rounding
    label: str
    unit: str = ""
    choices: tuple = ()
    group: str = ""
    optional: bool = False  # no value in force -> the check that needs it is skipped and says so
    positive: bool = False  # 0 is not a value this parameter can take (a standard of 0 pays nobody)
    maximum: int | None = None  # a sanity limit for a value no policy could mean (not a policy figure)


# Values beyond these are typing mistakes (an extra digit, 1e308), refused before any arithmetic.
MAXIMUM = {"money": 100_000_000, "months": 1200, "count": 1000, "multiplier": 100}


PARAMETERS: tuple[Param, ...] = (
    Param("rural_standard_annual", "money", "农村低保标准", "元/人·年", group="标准", positive=True),
    Param("urban_standard_monthly", "money", "城市低保标准", "元/人·月", group="标准", positive=True),
    Param("tekun_basic_monthly", "money", "特困人员基本生活标准", "元/人·月", group="标准", positive=True),
    Param("employment_deduction_share", "share", "就业成本扣减：工资性收入的比例", "", group="收入核算"),
    Param("employment_deduction_cap_annual", "money", "就业成本扣减：每名就业成员每年上限", "元/人·年", group="收入核算"),
    Param("employment_deduction_area_types", "choices", "就业成本扣减适用的城乡类别", "", AREA_TYPES, "收入核算"),
    Param("rigid_deduction_enabled", "bool", "扣减刚性支出", "", group="收入核算"),
    Param("rigid_deduction_items", "choices", "可扣减的刚性支出项目", "", EXPENSES, "收入核算"),
    Param("rigid_deduction_cap_annual", "money", "刚性支出扣减：每户每年上限", "元/户·年", group="收入核算"),
    Param("deposit_limit_months", "months", "存款及金融资产上限：人均不超过月低保标准的倍数", "个月", group="家庭财产"),
    Param("max_vehicles", "count", "机动车辆上限", "辆", group="家庭财产"),
    Param("max_homes", "count", "房产套数上限", "套", group="家庭财产"),
    Param("business_allowed", "bool", "允许有工商登记", "", group="家庭财产"),
    Param("marginal_multiplier", "multiplier", "低保边缘：人均收入低于低保标准的倍数", "倍", group="认定"),
    Param("single_person_disability_grades", "grades", "单人户：残疾等级", "级", group="认定"),
    Param("single_person_grade3_types", "choices", "单人户：三级残疾中的类别", "", DISABILITY_TYPES, "认定"),
    Param("single_person_serious_illness", "bool", "单人户：重病患者", "", group="认定"),
    Param("marginal_assistance", "texts", "低保边缘家庭可获得的救助（印在认定告知书上）", "", group="认定"),
    Param("phase_out_months", "months", "渐退期", "个月", group="渐退"),
    Param("phase_out_minimum_months", "months", "渐退期下限（县里不得低于）", "个月", group="渐退"),
    Param("review_months_stable", "months", "定期核查：收入稳定的家庭每隔", "个月", group="动态管理"),
    Param("review_months_unstable", "months", "定期核查：收入不稳定或有劳动能力成员的家庭每隔", "个月", group="动态管理"),
    Param("rigid_hardship_share", "share", "刚性支出困难：近12个月刚性支出占家庭收入的比例不低于", "", group="监测"),
    Param("rural_disposable_income_annual", "money", "上年农村居民人均可支配收入（本市州）", "元/人·年", group="监测",
          optional=True),
    Param("urban_disposable_income_annual", "money", "上年城镇居民人均可支配收入（本市州）", "元/人·年", group="监测",
          optional=True),
    Param("income_drop_share", "share", "收入大幅下降：比上月减少的比例不低于", "", group="监测"),
    Param("disability_living_subsidy_monthly", "money", "困难残疾人生活补贴", "元/人·月", group="监测", optional=True),
    Param("disability_care_subsidy_monthly", "money", "重度残疾人护理补贴", "元/人·月", group="监测", optional=True),
    Param("report_cutoff_day", "count", "统计截止日（每月几日；不设则按自然月）", "日", group="动态管理", optional=True,
          maximum=31),
    Param("classified_share", "share", "分类施保：每人每月加发低保标准的比例", "", group="保障金"),
    Param("classified_categories", "choices", "分类施保对象类别", "", CLASSIFIED_CATEGORIES, "保障金"),
    Param("classified_elderly_age", "count", "分类施保：老年人年龄下限", "周岁", group="保障金"),
    Param("classified_minor_age", "count", "分类施保：未成年人年龄上限（不含）", "周岁", group="保障金"),
    Param("classified_disability_grades", "grades", "分类施保：重度残疾等级", "级", group="保障金"),
    Param("minimum_monthly_benefit", "money", "每户每月最低保障金", "元/户·月", group="保障金"),
    Param("rounding", "rounding", "保障金取整单位（四舍五入）", "", tuple(ROUNDING), "保障金"),
    # 特困人员救助供养
    Param("tekun_basic_floor_multiplier", "multiplier", "特困基本生活标准不低于低保标准的倍数（低于时提示）", "倍",
          group="特困供养"),
    Param("tekun_care_self_monthly", "money", "特困照料护理标准：生活全自理", "元/人·月", group="特困供养"),
    Param("tekun_care_partial_monthly", "money", "特困照料护理标准：半失能", "元/人·月", group="特困供养"),
    Param("tekun_care_full_monthly", "money", "特困照料护理标准：全失能", "元/人·月", group="特困供养"),
    Param("tekun_child_age", "count", "特困：无劳动能力的未成年人年龄上限（不含）", "周岁", group="特困供养"),
    Param("tekun_elderly_age", "count", "特困：无劳动能力的老年人年龄下限", "周岁", group="特困供养"),
    Param("tekun_grades_intellectual_mental", "grades", "特困：无劳动能力的智力、精神残疾等级", "级", group="特困供养"),
    Param("tekun_grades_physical", "grades", "特困：无劳动能力的肢体残疾等级", "级", group="特困供养"),
    Param("tekun_grades_visual", "grades", "特困：无劳动能力的视力残疾等级", "级", group="特困供养"),
    Param("tekun_income_excluded", "choices", "特困：本人收入中另不计入的项目", "", TEKUN_EXCLUDABLE, "特困供养"),
    Param("tekun_member_in_household", "bool", "低保家庭中的特困人员仍计入家庭人口和收入", "", group="特困供养"),
    Param("tekun_review_months", "months", "特困人员定期核查：每隔", "个月", group="特困供养"),
    # 刚性支出困难家庭
    Param("rigid_expense_items", "choices", "刚性支出困难家庭：计入的刚性支出项目", "", RIGID_EXPENSES, "刚性支出困难"),
    Param("rigid_valid_months", "months", "刚性支出困难家庭认定有效期", "个月", group="刚性支出困难"),
    Param("rigid_single_person_students", "bool", "刚性支出困难家庭中的在校大学生可按单人保纳入低保", "",
          group="刚性支出困难"),
    # 临时救助
    Param("temporary_months_urgent", "months", "临时救助（急难型、一般）：每人最多发放月低保标准的倍数", "个月", group="临时救助"),
    Param("temporary_months_urgent_severe", "months", "临时救助（急难型、严重）：每人最多发放月低保标准的倍数", "个月",
          group="临时救助"),
    Param("temporary_months_expense", "months", "临时救助（支出型、一般）：每人最多发放月低保标准的倍数", "个月", group="临时救助"),
    Param("temporary_months_expense_severe", "months", "临时救助（支出型、严重）：每人最多发放月低保标准的倍数", "个月",
          group="临时救助"),
    Param("temporary_cap_urban_multiple", "multiplier", "临时救助每案上限：城市低保标准的倍数", "倍", group="临时救助"),
    Param("temporary_township_months", "months", "乡镇先行救助（审批权限）：每案不超过月低保标准的倍数", "个月",
          group="临时救助"),
    Param("temporary_yearly_urban_multiple", "multiplier", "临时救助每户每年累计提示线：城市低保标准的倍数", "倍",
          group="临时救助"),
    Param("temporary_repeat_cause_times", "count", "同一户同一原因每年已救助次数达到此数时提示", "次", group="临时救助"),
    # casework
    Param("deadline_investigation_workdays", "count", "受理申请后启动调查的期限", "个工作日", group="办理时限"),
    Param("deadline_decision_workdays", "count", "乡镇审核意见后县级作出决定的期限", "个工作日", group="办理时限"),
    Param("deadline_refusal_workdays", "count", "不予批准决定后书面告知申请人的期限", "个工作日", group="办理时限"),
    Param("deadline_total_workdays", "count", "受理到审核确认完成的期限", "个工作日", group="办理时限"),
    Param("deadline_total_extended_workdays", "count", "特殊情况延长后的期限", "个工作日", group="办理时限"),
    Param("publicity_days", "count", "公示期", "日", group="办理时限"),
    Param("signal_followup_days", "count", "监测信号登记后入户核实的期限", "日", group="办理时限"),
)
BY_NAME = {p.name: p for p in PARAMETERS}
# value: the figure; source: the printable citation (document name, 文号, article) that notices show;
# note: a remark for staff only (`policy show`), never printed on a document;
# confirmed = false: a default with no provincial document, which the county must confirm (`policy check`
# warns; notices cite the county's own policy document instead of `source`).
ENTRY_KEYS = {"value", "source", "note", "confirmed"}
INCOME_ITEM_KEYS = {"category"}
REGION_KEYS = {"code", "name"}
TOP_KEYS = {"region", "parameters", "income_items", "documents", "calendar"}
CALENDAR_VALUES = {"休": False, "班": True}  # casework: a holiday or a working day (调休)

# [documents]: what the county prints on its documents (all optional; the most specific file wins).
DOCUMENT_KEYS = {
    "policy_document": "本县低保政策文件的名称和文号（政策未经省级文件规定的数值，通知书引用此文件）",
    "stats_authority": "统计月报的制表机关",
    "stats_form_urban": "城市低保统计月报的表号",
    "stats_form_rural": "农村低保统计月报的表号",
    "stats_approval": "统计月报的批准机关及文号",
}
