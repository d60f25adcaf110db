"""What can be imported and exported: per record kind, its columns with their Chinese and
English headers and aliases, which columns are required, and the keys that find duplicates.

Values are converted by the model field's type (text, decimal, date, choice, reference), so
adding a column is one line here; the rules themselves stay on the models.
"""

import re
import unicodedata
from dataclasses import dataclass, field

from django.db import models

from valuecrm.crm.models import Contact, Customer, Lead
from valuecrm.sales.models import Contract, Opportunity, Product


@dataclass(frozen=True)
class Column:
    """`name` is the model field (or, for contract lines, the line field); `zh` and `en`
    are the headers written on export and recognised on import, with `aliases`."""

    name: str
    zh: str
    en: str
    aliases: tuple[str, ...] = ()
    importable: bool = True
    line: bool = False  # a field of the contract's line item, not of the contract


@dataclass(frozen=True)
class Kind:
    name: str
    model: type[models.Model]
    columns: tuple[Column, ...]
    # Each group needs at least one of its columns in the file ("name or company name").
    required: tuple[tuple[str, ...], ...]
    # A row is a duplicate of another when any key matches; a key is a tuple of attribute
    # names compared after clean() normalised them.
    duplicate_keys: tuple[tuple[str, ...], ...] = ()
    # Keys backed by a unique database constraint: never created twice, even on "create".
    unique_keys: tuple[tuple[str, ...], ...] = ()
    export_related: tuple[str, ...] = field(default_factory=tuple)

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)

    @property
    def line_columns(self) -> tuple[Column, ...]:
        return tuple(c for c in self.columns if c.line)


ID = Column("id", "系统编号", "ID", importable=False)
OWNER = Column("owner", "负责人", "Owner", (
    "销售", "跟进人", "所属销售", "归属人", "owner username", "sales rep", "salesperson",
    "sales agent", "assigned to"))
PHONE = Column("phone", "手机", "Phone", (
    "手机号", "手机号码", "电话", "联系电话", "电话号码", "联系方式", "mobile", "tel", "telephone",
    "phone number"))
EMAIL = Column("email", "邮箱", "Email", ("电子邮箱", "电子邮件", "邮件", "e-mail", "mail"))
REGION = Column("region", "地区", "Region", ("区域", "省份", "省市", "所在地区", "城市", "location",
                                          "office location", "city", "province"))
INDUSTRY = Column("industry", "行业", "Industry", ("所属行业", "sector"))
CHANNEL = Column("channel", "来源渠道", "Channel", (
    "渠道", "来源", "线索来源", "客户来源", "source", "lead source"))
CUSTOMER = Column("customer", "客户名称", "Customer", (
    "客户", "所属客户", "公司名称", "公司", "企业名称", "customer name", "account", "company"))
CREATED = Column("created_at", "创建时间", "Created at", importable=False)

KINDS: dict[str, Kind] = {
    "leads": Kind(
        "leads", Lead,
        (
            ID,
            Column("name", "联系人", "Contact name", ("姓名", "联系人姓名", "name", "contact",
                                                   "full name")),
            Column("company_name", "公司名称", "Company", ("公司", "客户名称", "企业名称", "单位",
                                                       "company name", "customer name",
                                                       "account")),
            PHONE, EMAIL, REGION, INDUSTRY, CHANNEL,
            Column("status", "状态", "Status", ("线索状态", "lead status")),
            Column("disqualify_reason", "无效原因", "Disqualification reason",
                   ("作废原因", "disqualify reason")),
            OWNER, CREATED,
        ),
        required=(("name", "company_name"),),
        duplicate_keys=(("phone",), ("email",)),
    ),
    "customers": Kind(
        "customers", Customer,
        (
            ID,
            Column("name", "客户名称", "Customer name", (
                "客户", "公司名称", "公司", "企业名称", "单位名称", "name", "company",
                "company name", "account", "account name")),
            INDUSTRY,
            Column("size_tier", "规模", "Size tier", ("客户规模", "企业规模", "size")),
            REGION, PHONE, EMAIL,
            Column("lifecycle_stage", "客户阶段", "Lifecycle stage",
                   ("生命周期", "阶段", "lifecycle")),
            CHANNEL, OWNER, CREATED,
        ),
        required=(("name",),),
        duplicate_keys=(("name_key",),),
    ),
    "contacts": Kind(
        "contacts", Contact,
        (
            ID, CUSTOMER,
            Column("name", "姓名", "Name", ("联系人", "联系人姓名", "contact", "contact name",
                                          "full name")),
            Column("title", "职务", "Title", ("职位", "岗位", "job title", "position")),
            PHONE, EMAIL,
            Column("is_primary", "首要联系人", "Primary contact", ("主联系人", "是否首要联系人",
                                                           "primary", "is primary")),
            CREATED,
        ),
        required=(("customer",), ("name",)),
        duplicate_keys=(("phone",), ("email",), ("customer_id", "name")),
        export_related=("customer",),
    ),
    "products": Kind(
        "products", Product,
        (
            ID,
            Column("name", "产品名称", "Product name", ("产品", "名称", "name", "product")),
            Column("sku", "产品编码", "SKU", ("编码", "产品编号", "货号", "code", "product code")),
            Column("category", "分类", "Category", ("产品分类", "类别", "系列", "series")),
            Column("list_price", "标准价格", "List price",
                   ("价格", "单价", "标准价", "售价", "price", "sales price")),
            Column("currency", "币种", "Currency", ("货币",)),
            Column("is_active", "启用", "Active", ("是否启用", "在售", "is active")),
            CREATED,
        ),
        required=(("name",), ("sku",), ("list_price",)),
        duplicate_keys=(("sku",),),
        unique_keys=(("sku",),),
    ),
    "opportunities": Kind(
        "opportunities", Opportunity,
        (
            ID,
            Column("name", "商机名称", "Opportunity name", ("商机", "项目名称", "名称", "name",
                                                        "opportunity", "deal", "deal name")),
            CUSTOMER,
            Column("stage", "销售阶段", "Stage", ("阶段", "商机阶段", "deal stage")),
            Column("probability", "赢单率", "Win probability (%)", ("赢率", "probability")),
            Column("amount", "金额", "Amount", ("商机金额", "预计金额", "value", "close value")),
            Column("currency", "币种", "Currency", ("货币",)),
            Column("expected_close_date", "预计成交日期", "Expected close date",
                   ("预计签单日期", "成交日期", "close date")),
            Column("lost_reason", "输单原因", "Lost reason", ()),
            OWNER, CREATED,
        ),
        required=(("name",), ("customer",)),
        duplicate_keys=(("customer_id", "name"),),
        export_related=("customer", "stage"),
    ),
    "contracts": Kind(
        "contracts", Contract,
        (
            ID,
            Column("number", "合同编号", "Contract number", ("合同号", "编号", "number",
                                                         "contract no")),
            Column("title", "合同名称", "Title", ("合同标题", "名称", "title")),
            CUSTOMER,
            Column("type", "合同类型", "Type", ("类型", "contract type")),
            Column("status", "合同状态", "Status", ("状态",)),
            Column("signed_date", "签约日期", "Signed date", ("签订日期", "签署日期", "signed on")),
            Column("start_date", "开始日期", "Start date", ("生效日期", "起始日期")),
            Column("end_date", "结束日期", "End date", ("到期日期", "终止日期")),
            Column("currency", "币种", "Currency", ("货币",)),
            Column("total_amount", "合同金额", "Total amount", importable=False),
            Column("product", "产品", "Product", ("产品编码", "product sku"), line=True),
            Column("quantity", "数量", "Quantity", ("qty",), line=True),
            Column("unit_price", "单价", "Unit price", ("成交单价", "price"), line=True),
            Column("discount_percent", "折扣(%)", "Discount (%)", ("折扣", "discount"), line=True),
            OWNER, CREATED,
        ),
        required=(("number",), ("customer",)),
        duplicate_keys=(("number",),),
        unique_keys=(("number",),),
        export_related=("customer",),
    ),
}

_HEADER_NOISE = re.compile(r"[\s*＊:：_\-()（）%]|必填|required")


def header_key(text: str) -> str:
    """Headers compare without case, width, spaces, punctuation or a "required" marker, so
    "*客户名称", "客户名称（必填）" and "Customer_Name" all match."""
    text = unicodedata.normalize("NFKC", str(text or "")).strip().lower()
    return _HEADER_NOISE.sub("", text)


def header_aliases(kind: Kind) -> dict[str, str]:
    """Normalised header -> column name ("" for export-only columns, which a re-import of
    an export ignores). The first column listing an alias wins."""
    table: dict[str, str] = {}
    for column in kind.columns:
        if not column.importable:
            for text in (column.zh, column.en):
                table[header_key(text)] = ""
    for column in kind.columns:
        if column.importable:
            for text in (column.name, column.zh, column.en, *column.aliases):
                table.setdefault(header_key(text), column.name)
    return table
