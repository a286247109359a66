//! Merging duplicates (CUS-10).

/// `(key, 中文, English)`.
#[rustfmt::skip]
pub const TEXT: &[(&str, &str, &str)] = &[
    // merge (CUS-10)
    ("merge.title", "合并重复客户", "Merge duplicate"),
    ("merge.explain", "搜索并选择要并入本客户的重复档案。合并后其全部记录归入本客户，重复档案将不再显示。", "Search for the duplicate to merge into this customer. All its records move here and the duplicate disappears."),
    ("merge.back", "返回客户", "Back to the customer"),
    ("merge.keep", "保留的客户", "Customer kept"),
    ("merge.duplicate", "重复的客户", "Duplicate"),
    ("merge.confirm", "确认合并", "Merge"),
    ("merge.confirm.question", "确定合并吗？此操作不能撤销。", "Merge the two records? This cannot be undone."),
    ("merge.done", "合并完成，已转移：", "Merged; records moved:"),
    ("merge.module.profile", "档案字段", "Profile fields"),
    ("merge.moved", "{}：{} 条", "{}: {}"),
];
