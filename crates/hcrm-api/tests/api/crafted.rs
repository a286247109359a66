//! Crafted spreadsheets for the import limits (issue 7 item 2): files of a few KB to a few MB
//! that make a naive reader build millions of cells, unpack hundreds of MB or hold a huge
//! string. Shared by the API tests (`import_export.rs`) and the end-to-end memory test
//! (`tests/e2e/import_bombs.rs`, which includes this file by path).
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use std::io::{Cursor, Write};

const CONTENT_TYPES: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/><Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>"#;
const RELS: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#;
const WORKBOOK: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>"#;
const WORKBOOK_RELS: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>"#;

pub const SHEET_HEAD: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">"#;

/// The 21 Chinese headers of an export, so that every column of a crafted sheet is kept.
pub const HEADERS: [&str; 21] = [
    "姓名",
    "类型",
    "性别",
    "出生日期",
    "证件类型",
    "证件号码",
    "手机",
    "就诊卡号",
    "邮箱",
    "省",
    "市",
    "区",
    "地址",
    "职业",
    "来源渠道",
    "客户阶段",
    "标签",
    "类别",
    "外部系统",
    "外部编号",
    "备注",
];

/// A1 = 姓名, as an inline string (no shared strings needed).
pub const NAME_HEADER_ROW: &str =
    r#"<row r="1"><c r="A1" t="inlineStr"><is><t>姓名</t></is></c></row>"#;

/// The column letters of a 0-based index (0 → A, 25 → Z, 16383 → XFD).
pub fn column_name(mut col: u32) -> String {
    let mut out = Vec::new();
    col += 1;
    while col > 0 {
        let rem = (col - 1) % 26;
        out.push(b'A' + rem as u8);
        col = (col - 1) / 26;
    }
    out.reverse();
    String::from_utf8(out).unwrap()
}

/// A workbook whose only worksheet's XML is written by `sheet` (so a large part is streamed
/// into the compressor, never held whole) and whose shared strings are `shared`.
pub fn workbook(sheet: impl FnOnce(&mut dyn Write), shared: Option<&str>) -> Vec<u8> {
    let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let deflate = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .compression_level(Some(9));
    for (name, text) in [
        ("[Content_Types].xml", CONTENT_TYPES),
        ("_rels/.rels", RELS),
        ("xl/workbook.xml", WORKBOOK),
        ("xl/_rels/workbook.xml.rels", WORKBOOK_RELS),
    ] {
        zip.start_file(name, deflate).unwrap();
        zip.write_all(text.as_bytes()).unwrap();
    }
    if let Some(text) = shared {
        zip.start_file("xl/sharedStrings.xml", deflate).unwrap();
        zip.write_all(text.as_bytes()).unwrap();
    }
    zip.start_file("xl/worksheets/sheet1.xml", deflate).unwrap();
    sheet(&mut zip);
    zip.finish().unwrap().into_inner()
}

/// A workbook whose sheet is `rows` (XML of `<row>` elements) under a declared `dimension`.
pub fn sheet_of(dimension: &str, rows: &str, shared: Option<&str>) -> Vec<u8> {
    let xml = format!(
        "{SHEET_HEAD}<dimension ref=\"{dimension}\"/><sheetData>{rows}</sheetData></worksheet>"
    );
    workbook(|w| w.write_all(xml.as_bytes()).unwrap(), shared)
}

/// A1 = 姓名 and one more cell at (`row`, `col`), 0-based, written by rust_xlsxwriter: the
/// sheet declares the bounding box `A1:<cell>` honestly. (Z200000 is (199_999, 25); the last
/// cell of a sheet, XFD1048576, is (1_048_575, 16_383).)
pub fn two_cells(row: u32, col: u16) -> Vec<u8> {
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    sheet.write_string(0, 0, "姓名").unwrap();
    sheet.write_string(row, col, "王五").unwrap();
    book.save_to_buffer().unwrap()
}

/// The same two cells, A1 and A`row`, under a lying `<dimension ref="A1"/>`.
pub fn lying_dimension(row: u32) -> Vec<u8> {
    let rows = format!(
        "{NAME_HEADER_ROW}<row r=\"{row}\"><c r=\"A{row}\" t=\"inlineStr\"><is><t>王五</t></is></c></row>"
    );
    sheet_of("A1", &rows, None)
}

/// A cell far to the right (`col`, 0-based) in the second row, the dimension lying.
pub fn wide_row(col: u32) -> Vec<u8> {
    let rows = format!(
        "{NAME_HEADER_ROW}<row r=\"2\"><c r=\"A2\" t=\"inlineStr\"><is><t>王五</t></is></c><c r=\"{}2\" t=\"inlineStr\"><is><t>x</t></is></c></row>",
        column_name(col)
    );
    sheet_of("A1:A2", &rows, None)
}

/// A file at the limits: the header in row 1, a customer in row 100,001, cells in columns A
/// and BL (the 64th), the dimension honest.
pub fn at_the_limits() -> Vec<u8> {
    let cell = |r: &str, t: &str| format!("<c r=\"{r}\" t=\"inlineStr\"><is><t>{t}</t></is></c>");
    let rows = format!(
        "<row r=\"1\">{}{}</row><row r=\"100001\">{}{}</row>",
        cell("A1", "姓名"),
        cell("BL1", "备注"),
        cell("A100001", "王五"),
        cell("BL100001", "最后一行")
    );
    sheet_of("A1:BL100001", &rows, None)
}

/// A zip bomb: a valid sheet whose XML carries `mib` MiB of spaces between two rows (deflate
/// packs them about 1000:1).
pub fn whitespace_bomb(mib: usize) -> Vec<u8> {
    workbook(
        |w| {
            w.write_all(SHEET_HEAD.as_bytes()).unwrap();
            w.write_all(b"<dimension ref=\"A1:A2\"/><sheetData>")
                .unwrap();
            w.write_all(NAME_HEADER_ROW.as_bytes()).unwrap();
            let spaces = vec![b' '; 1024 * 1024];
            for _ in 0..mib {
                w.write_all(&spaces).unwrap();
            }
            w.write_all("<row r=\"2\"><c r=\"A2\" t=\"inlineStr\"><is><t>王五</t></is></c></row></sheetData></worksheet>".as_bytes())
                .unwrap();
        },
        None,
    )
}

/// `book` with the uncompressed size recorded for `part` (in its local header and in the
/// central directory) replaced by `size`: an archive that claims hundreds of MB, or one that
/// understates what it unpacks to.
pub fn declared_size(book: &[u8], part: &str, size: u32) -> Vec<u8> {
    let mut out = book.to_vec();
    let name = part.as_bytes();
    let mut patched = 0;
    let mut i = 0;
    while i + 46 <= out.len() {
        let sig: [u8; 4] = out[i..i + 4].try_into().unwrap();
        // Local file header: name length at 26, name at 30, uncompressed size at 22.
        if &sig == b"PK\x03\x04" {
            let n = u16::from_le_bytes([out[i + 26], out[i + 27]]) as usize;
            if out.get(i + 30..i + 30 + n) == Some(name) {
                out[i + 22..i + 26].copy_from_slice(&size.to_le_bytes());
                patched += 1;
            }
        }
        // Central directory header: name length at 28, name at 46, uncompressed size at 24.
        if &sig == b"PK\x01\x02" {
            let n = u16::from_le_bytes([out[i + 28], out[i + 29]]) as usize;
            if out.get(i + 46..i + 46 + n) == Some(name) {
                out[i + 24..i + 28].copy_from_slice(&size.to_le_bytes());
                patched += 1;
            }
        }
        i += 1;
    }
    assert_eq!(patched, 2, "{part} not found");
    out
}

/// A sheet of `rows` data rows under the 21 export headers whose every cell of the first
/// `cols` columns names the same shared string of `len` characters: a few KB that a naive
/// reader copies into `rows × cols × len` bytes.
pub fn shared_string_fanout(rows: u32, cols: u32, len: usize) -> Vec<u8> {
    let mut xml = String::from("<row r=\"1\">");
    for (i, h) in HEADERS.iter().enumerate() {
        xml += &format!(
            "<c r=\"{}1\" t=\"inlineStr\"><is><t>{h}</t></is></c>",
            column_name(i as u32)
        );
    }
    xml += "</row>";
    for r in 2..rows + 2 {
        xml += &format!("<row r=\"{r}\">");
        for c in 0..cols {
            xml += &format!("<c r=\"{}{r}\" t=\"s\"><v>0</v></c>", column_name(c));
        }
        xml += "</row>";
    }
    let shared = format!(
        "<sst xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\" count=\"1\" uniqueCount=\"1\"><si><t>{}</t></si></sst>",
        "a".repeat(len)
    );
    sheet_of(&format!("A1:U{}", rows + 1), &xml, Some(&shared))
}

/// Shared strings announcing `count` strings (calamine reserves room for them up front).
pub fn unique_count(count: u64) -> Vec<u8> {
    let shared = format!(
        "<sst xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\" count=\"1\" uniqueCount=\"{count}\"><si><t>王五</t></si></sst>"
    );
    let rows = format!("{NAME_HEADER_ROW}<row r=\"2\"><c r=\"A2\" t=\"s\"><v>0</v></c></row>");
    sheet_of("A1:A2", &rows, Some(&shared))
}

/// A name cell of `mib` MiB built from rich-text runs of 1,000 characters (calamine joins
/// them into one string), each run a different mix so that deflate cannot pack it much.
pub fn huge_cell(mib: usize) -> Vec<u8> {
    workbook(
        |w| {
            w.write_all(SHEET_HEAD.as_bytes()).unwrap();
            w.write_all(b"<sheetData>").unwrap();
            w.write_all(NAME_HEADER_ROW.as_bytes()).unwrap();
            w.write_all(b"<row r=\"2\"><c r=\"A2\" t=\"inlineStr\"><is>")
                .unwrap();
            let mut seed: u32 = 7;
            let runs = mib * 1024 * 1024 / 1000;
            for _ in 0..runs {
                let run: String = (0..1000)
                    .map(|_| {
                        seed = seed.wrapping_mul(1_103_515_245).wrapping_add(12_345);
                        char::from(b'a' + ((seed >> 16) % 26) as u8)
                    })
                    .collect();
                w.write_all(format!("<r><t>{run}</t></r>").as_bytes())
                    .unwrap();
            }
            w.write_all(b"</is></c></row></sheetData></worksheet>")
                .unwrap();
        },
        None,
    )
}

/// One text node of `kib` KiB without markup (the XML parser buffers a node whole).
pub fn long_text_node(kib: usize) -> Vec<u8> {
    let rows = format!(
        "{NAME_HEADER_ROW}<row r=\"2\"><c r=\"A2\" t=\"inlineStr\"><is><t>{}</t></is></c></row>",
        "王".repeat(kib * 1024 / 3)
    );
    sheet_of("A1:A2", &rows, None)
}

/// A CSV of a header and `rows` data rows.
pub fn csv_rows(rows: usize) -> Vec<u8> {
    let mut out = "姓名,性别\n".as_bytes().to_vec();
    for _ in 0..rows {
        out.extend_from_slice(b",x\n");
    }
    out
}

/// A CSV whose second line is one field of `bytes` bytes.
pub fn csv_long_line(bytes: usize) -> Vec<u8> {
    let mut out = "姓名\n".as_bytes().to_vec();
    out.resize(out.len() + bytes, b'a');
    out.push(b'\n');
    out
}

/// A CSV whose header has `cols` columns.
pub fn csv_wide(cols: usize) -> Vec<u8> {
    let mut out = "姓名".to_string();
    for i in 1..cols {
        out += &format!(",c{i}");
    }
    out += "\n王五\n";
    out.into_bytes()
}

/// A CSV of `rows` rows of the 21 columns in which every cell that can be wrong is, the
/// categories cell a list of `list` unknown values: a few MB that a naive report turns into
/// millions of problems.
pub fn csv_all_wrong(rows: usize, list: usize) -> Vec<u8> {
    let mut out = HEADERS.join(",").into_bytes();
    out.push(b'\n');
    let categories = vec!["x"; list].join(";");
    let mut cells = vec![""; HEADERS.len()];
    // kind, gender, birth date, ID type, ID number, mobile, e-mail, source, stage: all wrong;
    // no name; an external system without an external id.
    for i in [1, 2, 3, 4, 5, 6, 8, 14, 15, 18] {
        cells[i] = "x";
    }
    cells[17] = &categories;
    let mut row = cells.join(",");
    row.push('\n');
    for _ in 0..rows {
        out.extend_from_slice(row.as_bytes());
    }
    out
}

/// A CSV of `rows` valid customers (names and mobiles all different).
pub fn csv_valid(rows: usize) -> Vec<u8> {
    let mut out = "姓名,手机,备注\n".as_bytes().to_vec();
    for i in 0..rows {
        out.extend_from_slice(format!("客户{i},139{i:08},导入测试\n").as_bytes());
    }
    out
}

/// Shared strings of `count` short strings (`<si><t>123</t></si>`: the most strings per byte
/// calamine keeps), under a header-only sheet.
pub fn many_shared_strings(count: usize) -> Vec<u8> {
    let mut shared = format!(
        "<sst xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\" count=\"{count}\" uniqueCount=\"{count}\">"
    );
    for i in 0..count {
        shared += &format!("<si><t>{i}</t></si>");
    }
    shared += "</sst>";
    sheet_of("A1", NAME_HEADER_ROW, Some(&shared))
}

/// A sheet of the 21 export headers and `rows` rows whose every cell holds a short inline
/// string: the largest sheet an import takes has 100,000 such rows.
pub fn full_sheet(rows: u32) -> Vec<u8> {
    workbook(
        |w| {
            w.write_all(SHEET_HEAD.as_bytes()).unwrap();
            w.write_all(format!("<dimension ref=\"A1:U{}\"/><sheetData>", rows + 1).as_bytes())
                .unwrap();
            let mut header = String::from("<row r=\"1\">");
            for (i, h) in HEADERS.iter().enumerate() {
                header += &format!(
                    "<c r=\"{}1\" t=\"inlineStr\"><is><t>{h}</t></is></c>",
                    column_name(i as u32)
                );
            }
            header += "</row>";
            w.write_all(header.as_bytes()).unwrap();
            for r in 2..rows + 2 {
                let mut row = format!("<row r=\"{r}\">");
                for c in 0..HEADERS.len() as u32 {
                    row += &format!(
                        "<c r=\"{}{r}\" t=\"inlineStr\"><is><t>x</t></is></c>",
                        column_name(c)
                    );
                }
                row += "</row>";
                w.write_all(row.as_bytes()).unwrap();
            }
            w.write_all(b"</sheetData></worksheet>").unwrap();
        },
        None,
    )
}
