"""The one glossary of the labels dnqp writes, in English and Chinese: table titles, headers, row labels, notes.

:data:`GLOSSARY` maps every fixed English label to its Chinese form; :data:`PATTERNS` does the same for
labels with a variable part (``Baseline regression: {0}``), the variable part translated too when it is
itself a glossary entry. Notes are translated clause by clause (clauses end at "; "). Anything that is
not an exact entry — the user's own labels: variable names, indicator codes, dimensions — is returned
unchanged, so the user's labels are never translated.

:func:`translate` translates one label, :func:`translate_note` one note, :func:`translate_block` every
fixed label of a result table (any dataclass with ``title``, ``header``, ``body``, ``notes``, such as
:class:`dnqp.workbook.blocks.Block`). :func:`glossary_rows` lists the glossary for the documentation.
"""

from __future__ import annotations

import dataclasses
import re

from ..errors import SettingsError
from .companion.coupling import COUPLING_GRADES
from .settings import REGISTRY

__all__ = ["LANGUAGES", "GLOSSARY", "PATTERNS", "translate", "translate_note", "translate_block", "check_language",
           "table_caption", "figure_caption", "glossary_rows", "glossary_markdown"]

#: The languages of the labels: English (the default) and Chinese (the ``language`` setting's choices).
LANGUAGES = REGISTRY["language"].choices

#: Fixed English label → Chinese label.
GLOSSARY: dict[str, str] = {
    # headers of the descriptives, VIF and regression tables (the examples first)
    "Variable": "变量",
    "Variables": "变量",
    "Obs": "样本量",
    "Mean": "均值",
    "Std. Dev.": "标准差",
    "Min": "最小值",
    "Max": "最大值",
    "Coef.": "系数",
    "Std. Err.": "标准误",
    "Observations": "观测值",
    "Region FE": "地区固定效应",
    "Year FE": "年份固定效应",
    "Individual FE": "个体固定效应",
    "Time FE": "时间固定效应",
    "Controls": "控制变量",
    "Yes": "是",
    "No": "否",
    "t statistics in parentheses": "括号内为t值",
    "standard errors in parentheses": "括号内为标准误",
    "t": "t值",
    "P>|t|": "P值",
    "Sig.": "显著性",
    "[95% Conf.": "[95%置信",
    "Interval]": "区间]",
    "VIF": "VIF",
    "1/VIF": "1/VIF",
    "Mean VIF": "平均VIF",
    "R-squared": "R²",
    "Adj R-squared": "调整后R²",
    "F": "F值",
    "F-test": "F检验",
    "Prob > F": "Prob > F",
    "Root MSE": "均方根误差",
    "Statistic": "统计量",
    "Value": "数值",
    "Sub-index": "分项指数",
    "_cons": "常数项",
    # the indicator system and weights
    "Dimension": "维度",
    "Code": "代码",
    "Indicator": "指标",
    "Indicators": "指标数",
    "Direction": "方向",
    "Entropy e": "信息熵 e",
    "Divergence d": "差异系数 d",
    "Weight w": "权重 w",
    "Weight": "权重",
    "Year": "年份",
    "Index": "指数",
    # titles (without their number)
    "Indicator system and entropy weights": "指标体系与熵值法权重",
    "Dimension weights": "维度权重",
    "Descriptive statistics": "描述性统计",
    "Multicollinearity test (VIF)": "多重共线性检验（VIF）",
    "Model statistics": "模型统计量",
    "Indicator weights (entropy weight method)": "指标权重（熵值法）",
    "Settings used": "所用设置",
    "Package versions": "软件包版本",
    "Cells read from text": "按文本读取的单元格",
    "Warnings": "警告",
    "Setting": "设置",
    "Package": "软件包",
    "Version": "版本",
    "Cell": "单元格",
    "Table": "表",
    "Column": "列",
    "Imputed value": "插补值",
    "Typed": "输入值",
    "Read as": "读取为",
    "Note": "说明",
    "Notes": "注",
    "none": "无",
    "missing": "缺失",
    # note clauses
    "Entropy weight method": "熵值法",
    "w = d / Σ d over indicators": "w = d / Σ d（对全部指标求和）",
    "Sum of the weights of each dimension's indicators": "各维度所含指标的权重之和",
    "Std. Dev. with n − 1": "标准差按 n − 1 计算",
    "variables after their Model transform": "变量为按 Model 表变换后的值",
    "Centred VIF from auxiliary regressions with a constant": "中心化VIF，由含常数项的辅助回归计算",
    "rule of thumb: VIF < 10": "经验标准：VIF < 10",
    "global weights, so they add up to the index": "采用全局权重，各分项指数之和等于总指数",
    "weights renormalised within each dimension": "权重在各维度内重新归一化",
    "min–max": "极差标准化",
    "classical (OLS)": "经典（OLS）",
    "Classical (OLS)": "经典（OLS）",
    "robust HC1": "稳健（HC1）",
    "Robust HC1": "稳健（HC1）",
    "robust HC3": "稳健（HC3）",
    "Robust HC3": "稳健（HC3）",
    "global": "全局",
    "mean": "均值插补",
    "linear": "线性插值",
    "within": "维度内",
    # panel studies (issue 11): fixed effects, clusters, region groups, their tests
    "Region": "地区",
    "Group": "分组",
    "Rank": "排名",
    "Within R-squared": "组内R²",
    "Clusters": "聚类数",
    "Test": "检验",
    "b(A) / terms": "b(A) / 检验项",
    "b(B)": "b(B)",
    "b(A) − b(B)": "b(A) − b(B)",
    "df / replications": "自由度 / 抽样次数",
    "p": "p值",
    "p (two-sided)": "p值（双侧）",
    "Interaction (Chow-type)": "交互项检验（Chow检验）",
    "Region-year": "地区-年份",
    "Design": "研究设计",
    "Absent region-years (unbalanced panel; never invented)": "缺失的地区-年份（非平衡面板；不作填补）",
    "Entropy weights by year": "各年份熵值法权重",
    "Dimension weights by year": "各年份维度权重",
    "Rank of each region by year": "各地区逐年排名",
    "Tests of coefficient equality between region groups": "组间系数差异检验",
    "Regions as rows, years as columns; an absent region-year is blank":
        "行为地区，列为年份；缺失的地区-年份留空",
    "By-year entropy: compare regions within a year only": "逐年熵值法：仅可在同一年份内比较各地区",
    "Mean index of the group's regions present in each year": "各年份该组现有地区的指数均值",
    "1 = highest index in the year; ties share the lowest rank": "1 = 当年指数最高；并列者取最小名次",
    "Rank within the year": "排名为当年内排名",
    "scores comparable across years": "得分可跨年份比较",
    "The scores rank regions within a year and are not comparable across years":
        "得分仅用于同一年份内的地区排序，不可跨年份比较",
    "Columns add terms step by step: the index alone, plus controls (pooled OLS), plus fixed effects":
        "各列逐步加入变量：仅含指数，加入控制变量（混合OLS），再加入固定效应",
    "One column per region group (its regions only), same model and fixed effects":
        "每列为一个地区分组（仅含该组地区），模型与固定效应相同",
    "region and year fixed effects": "地区和年份固定效应",
    "region fixed effects": "地区固定效应",
    "no fixed effects": "无固定效应",
    "Within R² is the R² of the demeaned model": "组内R²为组内去均值模型的R²",
    "Robust (HC1) standard errors": "稳健（HC1）标准误",
    "Conventional standard errors": "普通标准误",
    "every regressor": "全部解释变量",
    "Not computed: group_test = no.": "未计算：group_test = no。",
    "Not computed: the Regions table gives no Group.": "未计算：Regions表未给出分组（Group）。",
    # companion measures (issue 12)
    "Weights by method (entropy, CRITIC, equal, combined)": "各赋权方法的权重（熵值法、CRITIC、等权、组合）",
    "entropy": "熵值法",
    "critic": "CRITIC",
    "critic-abs": "CRITIC（绝对相关）",
    "equal": "等权",
    "multiplicative": "乘法组合",
    "additive": "加法组合",
    "combined": "组合赋权",
    "TOPSIS closeness to the ideal": "TOPSIS贴近度",
    "Closeness": "贴近度",
    "Closeness C": "贴近度 C",
    "D+": "D+",
    "one ideal over every row": "所有样本共用一个理想解",
    "each year normalised and ranked alone": "各年份分别标准化并排序",
    "one ideal over the years": "各年份共用一个理想解",
    "the entropy step's min–max z": "采用熵值法步骤的极差标准化值 z",
    "vector normalisation x/√Σx², cost ideals at the minimum": "向量归一化 x/√Σx²，逆向指标的理想解取最小值",
    "C = D⁻/(D⁺ + D⁻), rank 1 = closest to the ideal": "C = D⁻/(D⁺ + D⁻)，排名1为最接近理想解",
    "Coupling coordination degree": "耦合协调度",
    "Coupling coordination degree D": "耦合协调度 D",
    "Coupling degree C": "耦合度 C",
    "Coordination index T": "综合协调指数 T",
    "Level": "等级序号",
    "Grade": "协调等级",
    "Lagging": "滞后系统",
    "Grades of D": "耦合协调度等级划分",
    "D from": "D下限",
    "D below": "D上限（不含）",
    "D = 1 is level 10": "D = 1 属第10级",
    "Mean D": "D均值",
    "Chart data: D by year and the ten grade bands (each 0.1)": "图表数据：逐年D值及十个等级区间（各宽0.1）",
    "Systems: the sub-indices, each on its own [0, 1] scale (weights renormalised within each dimension)":
        "子系统：各分项指数，各自位于[0, 1]（权重在各维度内重新归一化）",
    "Systems: the index and the dependent variable rescaled to [0, 1] by min–max":
        "子系统：指数与被解释变量，经极差标准化至[0, 1]",
    "U as computed": "U取计算值",
    "U rescaled to [0, 1]": "U缩放至[0, 1]",
    "U rescaled to [0.01, 0.99] (SPSSAU)": "U缩放至[0.01, 0.99]（SPSSAU）",
    "C = n(ΠU)^(1/n)/ΣU": "C = n(ΠU)^(1/n)/ΣU",
    "the revised C of Wang Shujia et al. (2021, 自然资源学报 36(3))": "王淑佳等（2021，自然资源学报36(3)）修正的C",
    "Obstacle degree": "障碍度",
    "Obstacle O": "障碍度 O",
    "Obstacle degree by dimension": "各维度障碍度",
    "Obstacle degree of every indicator": "各指标障碍度",
    "A dimension's obstacle is the sum over its indicators": "维度障碍度为其所含指标障碍度之和",
    "Series": "序列",
    "Grey relational degree": "灰色关联度",
    "the degree is the mean of ξ": "关联度为关联系数ξ的均值",
    "the initial value": "初值化",
    "the mean": "均值化",
    "nothing (as given)": "不作处理（原值）",
    "Silverman's rule 0.9·min(σ, IQR/1.349)·n^(−1/5)": "Silverman经验法则 0.9·min(σ, IQR/1.349)·n^(−1/5)",
    "set by hand": "手动设定",
    "Dagum Gini coefficient": "Dagum基尼系数",
    "G = G_w + G_nb + G_t (within, net between, transvariation)": "G = G_w + G_nb + G_t（组内差异、组间净差异、超变密度）",
    "% of G": "%为占G的比重",
    "Within-group Gini G_jj": "组内基尼系数 G_jj",
    "Between-group Gini G_jh": "组间基尼系数 G_jh",
    "within-group": "组内差异",
    "between-group": "组间差异",
    "transvariation intensity": "超变密度",
    "Theil index": "泰尔指数",
    "T = T_w + T_b (within and between groups)": "T = T_w + T_b（组内与组间差异）",
    "% of T": "%为占T的比重",
    "Within-group Theil T_k": "组内泰尔指数 T_k",
    "Kernel density": "核密度",
    "Density": "密度",
    "Bandwidth h": "带宽 h",
    "Point": "点",
    "Density curves (x, f) per year": "各年份核密度曲线（x, f）",
    "Mean index": "指数均值",
    "TOPSIS closeness by year": "TOPSIS贴近度的年度变化",
    "Coupling coordination degree D and its grades": "耦合协调度D及其等级",
    "Kernel density across regions, by year": "各年份地区核密度分布",
    # figures
    "Index and sub-indices by year": "指数及分项指数的年度变化",
    "Weights by dimension": "各维度权重",
    "Coefficients with 95% confidence intervals": "系数及其95%置信区间",
    "Coefficient": "系数",
    "Score": "得分",
    "Entropy weight": "熵值法权重",
    "Indicator weights by dimension": "各维度指标权重",
    "Lower 95% bound": "95%置信下限",
    "Upper 95% bound": "95%置信上限",
}

# the coupling coordination grades' names (their one source: the coupling module)
GLOSSARY.update({en: zh for _, _, zh, en in COUPLING_GRADES})

#: Labels with variable parts: English template → Chinese template ({0}, {1} the variable parts).
PATTERNS: tuple[tuple[str, str], ...] = (
    ("Table {0}  {1}", "表{0}  {1}"),
    ("Table {0} {1}", "表{0} {1}"),
    ("Figure {0}  {1}", "图{0}  {1}"),
    ("Baseline regression: {0} ({1} standard errors)", "基准回归：{0}（{1}标准误）"),
    ("Baseline regression: {0}", "基准回归：{0}"),
    ("Heterogeneity: {0} on each sub-index", "异质性分析：{0}对各分项指数的回归"),
    ("{0} index and sub-indices by year ({1} weights)", "{0}指数及分项指数（{1}权重）"),
    ("{0} index and sub-indices by year", "{0}指数及分项指数"),
    ("Imputed cells ({0})", "插补的单元格（{0}）"),
    ("standardisation {0}, shift {1}", "标准化：{0}，平移量 {1}"),
    ("interval {0}", "区间 {0}"),
    ("Dropped: {0}", "已剔除：{0}"),
    ("Sub-indices: {0}", "分项指数：{0}"),
    ("{0} standard errors", "{0}标准误"),
    ("Newey–West HAC, {0} lag(s)", "Newey–West HAC（{0}阶滞后）"),
    ("Column (k) replaces {0} by the sub-index named in its header",
     "第(k)列以列标题所示的分项指数替代{0}"),
    ("t statistics in parentheses ({0} standard errors)", "括号内为t值（{0}标准误）"),
    ("platform {0}", "平台 {0}"),
    ("Coefficients of {0} with 95% confidence intervals", "{0}的系数及其95%置信区间"),
    ("Coefficients with 95% confidence intervals ({0})", "系数及其95%置信区间（{0}）"),
    ("{0} index and sub-indices, {1}", "{0}指数及分项指数，{1}"),
    # panel studies (issue 11)
    ("Global entropy over all {0} region-years ({1} regions × {2} years, unbalanced): min, max and p over every "
     "region-year, k = 1/ln({3})",
     "全局熵值法，覆盖全部{0}个地区-年份（{1}个地区 × {2}年，非平衡面板）：min、max与p取自全部地区-年份，k = 1/ln({3})"),
    ("Global entropy over all {0} region-years ({1} regions × {2} years): min, max and p over every region-year, "
     "k = 1/ln({3})",
     "全局熵值法，覆盖全部{0}个地区-年份（{1}个地区 × {2}年）：min、max与p取自全部地区-年份，k = 1/ln({3})"),
    ("By-year entropy: the method within each year ({0} regions), standardisation {1}, shift {2}",
     "逐年熵值法：每年分别计算（{0}个地区），标准化：{1}，平移量 {2}"),
    ("{0} index by region and year", "各地区各年份{0}指数"),
    ("Mean {0} index by region group and year", "各地区分组各年份{0}指数均值"),
    ("{0} index and sub-indices by region-year", "各地区-年份{0}指数及分项指数"),
    ("Baseline panel regression: {0}", "面板基准回归：{0}"),
    ("({0}) + controls", "({0}) +控制变量"),
    ("({0}) + FE", "({0}) +固定效应"),
    ("Heterogeneity by region group: {0}", "地区分组异质性分析：{0}"),
    ("Standard errors clustered by {0} ({1} clusters), as {2} ({3} sample)",
     "按{0}聚类的标准误（{1}个聚类），同 {2}（{3}样本）"),
    ("Robust (HC1) standard errors, as {0} ({1} sample)", "稳健（HC1）标准误，同 {0}（{1}样本）"),
    ("Conventional standard errors, as {0} ({1} sample)", "普通标准误，同 {0}（{1}样本）"),
    ("Standard errors: {0} ({1})", "标准误：{0}（{1}）"),
    ("Models with FE: {0}", "含固定效应的模型：{0}"),
    ("Column (k) replaces {0} by the sub-index named in its header, with the controls and the fixed effects of the "
     "full model", "第(k)列以列标题所示的分项指数替代{0}，控制变量与固定效应同完整模型"),
    ("Variable tested: {0}", "检验变量：{0}"),
    ("Interaction: the pooled model with the same fixed effects and clustering, {0} × group (reference {1})",
     "交互项检验：在相同固定效应与聚类的合并样本模型中加入{0} × 分组交互项（参照组{1}）"),
    ("Permutation: Fisher's test as Stata's bdiff, group labels reassigned among the regions (group sizes kept), "
     "{0} replications, seed {1}",
     "费舍尔组合检验（同Stata的bdiff）：在地区间重新分配分组标签（保持各组规模），抽样{0}次，随机种子{1}"),
    ("p is the empirical share of differences at least as large (one-sided, bdiff's), two-sided counts |d*| ≥ |d|",
     "p值为不小于实际差异的经验比例（单侧，同bdiff），双侧按 |d*| ≥ |d| 计"),
    ("Permutation (bdiff): {0} − {1}", "费舍尔组合检验（bdiff）：{0} − {1}"),
    ("Imputed cells ({0}, within each region along its years)", "插补的单元格（{0}，各地区内沿年份插补）"),
    ("{0} reps, seed {1}", "{0}次，种子{1}"),
    # companion measures (issue 12)
    ("{0} recomputed with each weighting", "各赋权方法下重新计算的{0}"),
    ("CRITIC on the standardised data: C_j = σ_j Σ_k (1 − r_jk) with σ from n − 1 (critic-abs: 1 − |r_jk|)",
     "CRITIC基于标准化数据：C_j = σ_j Σ_k (1 − r_jk)，σ按 n − 1 计算（critic-abs：1 − |r_jk|）"),
    ("multiplicative w ∝ w_e·w_c", "乘法组合 w ∝ w_e·w_c"),
    ("additive w = λ·w_e + (1 − λ)·w_c with λ = {0}", "加法组合 w = λ·w_e + (1 − λ)·w_c，λ = {0}"),
    ("S = Σ w·z on the same standardised data", "S = Σ w·z，基于同一标准化数据"),
    ("Spearman's rank correlation with the entropy index: {0}", "与熵值法指数的Spearman秩相关系数：{0}"),
    ("Weights {0}", "权重：{0}"),
    ("Closeness by region, {0}", "各地区贴近度，{0}"),
    ("T = Σ α·U with α: {0}", "T = Σ α·U，α：{0}"),
    ("Lagging: the lowest system when it lies more than {0} below the highest",
     "滞后系统：最低子系统比最高子系统低{0}以上时列出"),
    ("Top {0} obstacles", "前{0}位障碍因子"),
    ("Obstacle {0}", "障碍因子{0}"),
    ("O_ij = w_j(1 − z_ij)/Σ_k w_k(1 − z_ik), weights {0}", "O_ij = w_j(1 − z_ij)/Σ_k w_k(1 − z_ik)，权重：{0}"),
    ("each row of O sums to 1", "每行O之和为1"),
    ("Grey relational degree to {0}", "与{0}的灰色关联度"),
    ("ρ = {0}", "分辨系数 ρ = {0}"),
    ("Δmin = {0}, Δmax = {1}", "Δmin = {0}，Δmax = {1}"),
    ("Reference {0}", "参考序列：{0}"),
    ("series made dimensionless by {0}", "无量纲化方式：{0}"),
    ("Dagum Gini decomposition of {0}", "{0}的Dagum基尼系数分解"),
    ("Theil index of {0}", "{0}的泰尔指数"),
    ("Kernel density of {0} across regions: bandwidths", "{0}的地区核密度估计：带宽"),
    ("bandwidth h by {0} (statsmodels KDEUnivariate)", "带宽h：{0}（statsmodels KDEUnivariate）"),
    ("Mean index by region group, {0}", "各地区分组指数均值，{0}"),
    ("Kernel density of {0} across regions, by year", "各年份{0}的地区核密度分布"),
    ("Kernel {0}", "核函数：{0}"),  # last: the "Kernel density of …" titles above come first
)

# a variable part is never a clause ("; ") nor a sentence (". ") of its own
_PART = r"((?:(?!; |\. ).)+?)"
_COMPILED = [(re.compile("^" + re.sub(r"\\\{\d\\\}", lambda _: _PART, re.escape(en)) + "$"), en, zh)
             for en, zh in PATTERNS]
# sentences of a note end at ". ", except after an abbreviation (Std. Dev., et al.)
_SENTENCE = re.compile(r"(?<!\bStd)(?<!\bDev)(?<!\bal)(?<!\bConf)\. ")
_ZH_PUNCT = {";": "；", ".": "。"}


def check_language(value, where: str = "the language setting") -> str:
    """``value`` as a language code (en or zh, case-insensitive; the registry's aliases such as English/中文
    too); else a one-line error naming ``where`` (e.g. "Settings!C14").

    >>> check_language(" ZH "), check_language("English")
    ('zh', 'en')
    """
    try:
        return REGISTRY["language"].choice(value, noun="language")
    except SettingsError as err:
        raise SettingsError(f"{where}: {err}") from None


def translate(text, language: str = "zh", keep=frozenset()):
    """One label in ``language``: an exact glossary entry or pattern; anything else (numbers, the user's
    labels) unchanged. A label in ``keep`` (the user's own labels) is never translated, nor is a pattern's
    variable part that is one.

    >>> translate("Std. Dev."), translate("Baseline regression: lnUpgrade"), translate("lnPort")
    ('标准差', '基准回归：lnUpgrade', 'lnPort')
    >>> translate("Table 6  Baseline regression: lnUpgrade"), translate("Obs", "en"), translate("Index", keep={"Index"})
    ('表6  基准回归：lnUpgrade', 'Obs', 'Index')
    """
    if language == "en" or not isinstance(text, str):
        return text
    check_language(language)
    key = text.strip()
    if key in keep:
        return text
    if key in GLOSSARY:
        return GLOSSARY[key]
    for rx, _, zh in _COMPILED:
        m = rx.match(key)
        if m:
            return zh.format(*(translate(g, language, keep) for g in m.groups()))
    return text


def translate_note(note, language: str = "zh", keep=frozenset()):
    """A note in ``language``, clause by clause (clauses end at "; " and a final "."); a clause that is not
    in the glossary stays as written; a note of several sentences (". ") is translated sentence by sentence.

    >>> translate_note("Centred VIF from auxiliary regressions with a constant; rule of thumb: VIF < 10.")
    '中心化VIF，由含常数项的辅助回归计算；经验标准：VIF < 10。'
    """
    if language == "en" or not isinstance(note, str):
        return note
    check_language(language)
    body, end = (note[:-1], "。") if note.endswith(".") else (note, "")
    whole = translate(body, language, keep)
    if whole is not body:
        return whole + end
    sentences = _SENTENCE.split(body)
    out = [_clauses(x, language, keep) for x in sentences]
    if all(o is x for o, x in zip(out, sentences)):
        return note
    return "。".join(out) + end


def _clauses(sentence: str, language: str, keep) -> str:
    """One sentence of a note: whole, else clause by clause ("; "); itself when nothing in it is an entry."""
    whole = translate(sentence, language, keep)
    if whole is not sentence:
        return whole
    clauses = sentence.split("; ")
    out = [translate(c, language, keep) for c in clauses]
    return sentence if all(o is c for o, c in zip(out, clauses)) else "；".join(out)


def translate_block(block, language: str = "zh", keep=frozenset()):
    """A copy of a result table with its title, header cells, row labels (first column) and notes in
    ``language``. Only exact glossary entries change; numbers and the user's labels (``keep``) stay."""
    if language == "en":
        return block
    check_language(language)
    body = [[translate(row[0], language, keep), *row[1:]] if row else row for row in block.body]
    header = [[translate(c, language, keep) for c in row] for row in block.header]
    return dataclasses.replace(block, title=translate(block.title, language, keep), header=header, body=body,
                               notes=[translate_note(n, language, keep) for n in block.notes])


def table_caption(number: int, title: str, language: str = "en", keep=frozenset()) -> str:
    """A table's numbered caption: ``Table 3  Descriptive statistics`` / ``表3  描述性统计``."""
    title = translate(title, language, keep)
    return f"表{number}  {title}" if language == "zh" else f"Table {number}  {title}"


def figure_caption(number: int, title: str, language: str = "en", keep=frozenset()) -> str:
    """A figure's numbered caption: ``Figure 1  Weights by dimension`` / ``图1  各维度权重``."""
    title = translate(title, language, keep)
    return f"图{number}  {title}" if language == "zh" else f"Figure {number}  {title}"


def glossary_rows() -> list[tuple[str, str]]:
    """Every entry of the glossary as (English, Chinese), patterns last, for the documentation."""
    return [*GLOSSARY.items(), *PATTERNS]


def glossary_markdown() -> str:
    """The glossary as a Markdown table (English | 中文), for the documentation site.

    Examples
    --------
    >>> glossary_markdown().splitlines()[:3]
    ['| English | 中文 |', '|---|---|', '| Variable | 变量 |']
    """
    def cell(text: str) -> str:
        return text.replace("|", "\\|")

    return "\n".join(["| English | 中文 |", "|---|---|", *[f"| {cell(en)} | {cell(zh)} |" for en, zh in glossary_rows()]])
