"""Every sentence of the spreadsheet import, in Chinese (default) and English: one dictionary each.

The style of ``service.messages``: the same keys and placeholders in both languages. Messages
name rows, columns, ids and codes, never a resident's name, phone number or address.
"""

from __future__ import annotations

from service.messages import Language

TEXT: dict[Language, dict[str, str]] = {
    "zh": {
        "at.cell": "第 {row} 行「{column}」：{problem}",
        "at.row": "第 {row} 行：{problem}",
        "at.file": "{problem}",
        "at.need": "需求「{need}」：{problem}",
        "file.empty": "文件是空的",
        "file.too_large": "文件超过 {limit} 字节",
        "file.binary": "文件不是 CSV 或 xlsx 表格（看起来是其他二进制文件）",
        "file.xls": "不支持旧的 .xls 格式：请在 Excel 中另存为 .xlsx 或 CSV",
        "file.xlsx_broken": "无法读取 xlsx 文件（文件损坏或不完整）：请用 Excel 重新保存",
        "file.xlsx_huge": "xlsx 文件解压后过大（超过 {limit} 字节）",
        "file.encoding": "无法识别 CSV 文件的编码：请保存为 UTF-8 或 GBK 编码的 CSV",
        "file.csv_broken": "无法读取 CSV 文件：{detail}",
        "file.cell_huge": "第 {row} 行附近有超过 {limit} 个字符的单元格",
        "file.no_sheet": "xlsx 文件中没有工作表",
        "file.no_header": "表格没有表头行",
        "file.no_rows": "表格只有表头，没有数据行",
        "file.too_many_rows": "数据行超过 {limit} 行：请分成多个文件导入",
        "file.sheet_too_big": "工作表有 {rows} 行（上限 {limit} 行）：请删去空行或分成多个文件导入",
        "file.more_problems": "另有 {count} 处问题未列出（只列前 {limit} 处）",
        "header.unknown": "无法识别的列名「{header}」；可用的列名见导入说明",
        "header.missing": "缺少必需的列「{header}」",
        "header.twice": "列「{header}」与第 {other} 列重复（指向同一字段）",
        "header.pair": "「{first}」和「{second}」两列须同时提供",
        "header.unnamed": "第 {column} 列没有列名，但有数据",
        "cell.required": "不能为空",
        "cell.too_long": "内容超过 {limit} 个字符",
        "cell.nul": "内容含有不可见的空字符",
        "cell.integer": "「{value}」不是整数",
        "cell.too_big": "{value} 过大",
        "cell.number": "「{value}」不是数字",
        "cell.boolean": "「{value}」不是是/否（可填 是、否、true、false、yes、no、1、0）",
        "cell.time": "「{value}」不是时间 HH:MM（如 09:00）",
        "cell.day": "「{value}」不是星期（可填 周一…周日、星期一…星期日、mon…sun）",
        "cell.day_range": "「{value}」不是星期范围（如 周一至周五、mon-fri）",
        "cell.category": "「{value}」不是服务类别；可用：{allowed}",
        "cell.group": "「{value}」不是群体；可用：{allowed}",
        "cell.kind": "「{value}」不是资源类型（可填 物资、资金、goods、funds）",
        "cell.amount": "「{value}」不是「资源编号:数量」（如 rice-5kg:1）",
        "cell.json": "不是 JSON：{detail}",
        "cell.text": "「{value}」不是文本",
        "row.duplicate": "编号「{id}」与第 {other} 行重复",
        "row.pair": "「{first}」和「{second}」须同时填写或同时留空",
        "value.missing": "不能为空",
        "value.ge": "应大于或等于 {limit}",
        "value.gt": "应大于 {limit}",
        "value.le": "应小于或等于 {limit}",
        "value.lt": "应小于 {limit}",
        "value.too_long": "最多 {limit} 个字符",
        "value.too_short": "至少 {limit} 个字符",
        "value.literal": "「{value}」不是可用值：{allowed}",
        "value.time": "{value} 不是时间 HH:MM",
        "value.window": "结束时间 {to} 不晚于开始时间 {start}",
        "value.staff_empty": "每次探访至少需要一名工作人员",
        "value.staff_large": "每次探访最多 10 名工作人员",
        "value.duplicate_day": "同一天列了两次",
        "value.other": "取值无效（{detail}）",
        "ref.village": "村社区「{id}」不在本站档案中",
        "ref.worker": "工作者「{id}」不在本站档案中",
        "ref.resource": "资源「{id}」不在本站资源库中",
        "ref.resource_removed": "申请的资源「{id}」将不在资源库中",
        "warn.not_eligible": (
            "需求「{need}」申请的资源「{resource}」只发给群体 {eligible}，该户不在其中："
            "已保存，不予发放"
        ),
        "warn.too_few_days": (
            "需求「{need}」要 {visits} 次探访，但可服务日只有 {days} 天：已保存，最多安排 {days} 次"
        ),
        "warn.window_too_short": (
            "需求「{need}」的时段只有 {minutes} 分钟，短于一次探访的 {duration} 分钟："
            "已保存，无法安排"
        ),
        "warn.preferred_and_excluded": (
            "需求「{need}」同时把工作者「{worker}」列为首选和排除：已保存，按排除处理"
        ),
        "ref.twice": "资源「{id}」列了两次",
        "none": "无",
        "yes": "是",
        "no": "否",
        "sheet.codes": "代码",
        "codes.field": "字段",
        "codes.code": "代码",
        "codes.name": "中文名",
    },
    "en": {
        "at.cell": "row {row}, column '{column}': {problem}",
        "at.row": "row {row}: {problem}",
        "at.file": "{problem}",
        "at.need": "need {need!r}: {problem}",
        "file.empty": "the file is empty",
        "file.too_large": "the file is larger than {limit} bytes",
        "file.binary": "the file is not a CSV or xlsx table (it looks like another binary file)",
        "file.xls": "the old .xls format is not supported: save it as .xlsx or CSV in Excel",
        "file.xlsx_broken": "the xlsx file cannot be read (damaged or incomplete): save it again",
        "file.xlsx_huge": "the xlsx file is too large once unpacked (more than {limit} bytes)",
        "file.encoding": "the CSV file's encoding is unknown: save it as UTF-8 or GBK CSV",
        "file.csv_broken": "the CSV file cannot be read: {detail}",
        "file.cell_huge": "a cell near row {row} is longer than {limit} characters",
        "file.no_sheet": "the xlsx file has no worksheet",
        "file.no_header": "the table has no header row",
        "file.no_rows": "the table has a header but no data rows",
        "file.too_many_rows": "more than {limit} data rows: split the file",
        "file.sheet_too_big": (
            "the sheet spans {rows} rows (at most {limit}): delete empty rows or split the file"
        ),
        "file.more_problems": "{count} more problem(s) not listed: only the first {limit} are",
        "header.unknown": "unknown column '{header}'; see the import guide for the columns",
        "header.missing": "the required column '{header}' is missing",
        "header.twice": "column '{header}' repeats column {other} (the same field)",
        "header.pair": "columns '{first}' and '{second}' must be given together",
        "header.unnamed": "column {column} has no header but holds values",
        "cell.required": "may not be empty",
        "cell.too_long": "longer than {limit} characters",
        "cell.nul": "contains the NUL character",
        "cell.integer": "{value!r} is not a whole number",
        "cell.too_big": "{value} is too large",
        "cell.number": "{value!r} is not a number",
        "cell.boolean": "{value!r} is not yes/no (use yes, no, true, false, 1, 0, 是, 否)",
        "cell.time": "{value!r} is not a time HH:MM (e.g. 09:00)",
        "cell.day": "{value!r} is not a weekday (use mon … sun or 周一 … 周日)",
        "cell.day_range": "{value!r} is not a range of weekdays (e.g. mon-fri)",
        "cell.category": "{value!r} is not a service category; use one of {allowed}",
        "cell.group": "{value!r} is not a group; use one of {allowed}",
        "cell.kind": "{value!r} is not a resource kind (use goods or funds)",
        "cell.amount": "{value!r} is not 'resource id:quantity' (e.g. rice-5kg:1)",
        "cell.json": "not JSON: {detail}",
        "cell.text": "{value!r} is not text",
        "row.duplicate": "id {id!r} is also used in row {other}",
        "row.pair": "'{first}' and '{second}' must both be filled or both be empty",
        "value.missing": "may not be empty",
        "value.ge": "must be at least {limit}",
        "value.gt": "must be greater than {limit}",
        "value.le": "must be at most {limit}",
        "value.lt": "must be less than {limit}",
        "value.too_long": "at most {limit} characters",
        "value.too_short": "at least {limit} characters",
        "value.literal": "{value!r} is not one of {allowed}",
        "value.time": "{value} is not a time HH:MM",
        "value.window": "the end {to} is not after the start {start}",
        "value.staff_empty": "a visit needs at least one worker",
        "value.staff_large": "a visit may need at most 10 workers",
        "value.duplicate_day": "a day is listed twice",
        "value.other": "invalid value ({detail})",
        "ref.village": "village {id!r} is not in the station's archive",
        "ref.worker": "worker {id!r} is not in the station's archive",
        "ref.resource": "resource {id!r} is not in the station's resource library",
        "ref.resource_removed": "asks for resource {id!r}, which would no longer exist",
        "warn.not_eligible": (
            "need {need!r} asks for resource {resource!r}, which is only for groups {eligible}: "
            "stored, never handed over"
        ),
        "warn.too_few_days": (
            "need {need!r} asks for {visits} visits but its window has {days} day(s): stored, "
            "at most {days} planned"
        ),
        "warn.window_too_short": (
            "need {need!r} has a {minutes}-min window, shorter than one {duration}-min visit: "
            "stored, cannot be planned"
        ),
        "warn.preferred_and_excluded": (
            "need {need!r} lists worker {worker!r} as both preferred and excluded: stored, the "
            "exclusion holds"
        ),
        "ref.twice": "resource {id!r} is listed twice",
        "none": "none",
        "yes": "true",
        "no": "false",
        "sheet.codes": "codes",
        "codes.field": "field",
        "codes.code": "code",
        "codes.name": "Chinese name",
    },
}


def say(language: Language, key: str, **values: object) -> str:
    """The sentence ``key`` in ``language`` with ``values`` filled in.

    Parameters
    ----------
    language
        ``zh`` or ``en``.
    key
        A key of :data:`TEXT`.
    **values
        Values for the placeholders.

    Returns
    -------
    str
        The sentence.
    """
    return TEXT[language][key].format(**values)
