//! What an .xlsx upload may unpack to, checked before calamine reads it (CUS-13, PERF-6,
//! issue 7 item 2).
//!
//! An .xlsx file is a zip archive of XML parts. A 10 MB upload can unpack to gigabytes (a
//! zip bomb), announce a billion shared strings (calamine reserves room for them), or hold one
//! cell of hundreds of MB (calamine joins a cell's text runs into one string, and the XML
//! parser buffers a text node whole). calamine offers no limits, so this module reads the
//! archive's directory first (declared sizes and compression ratios, without unpacking), then
//! streams every XML part through the same XML parser calamine uses, holding a few hundred KB
//! at most. The zip crate stops a part that unpacks to more than its directory declares.

use std::io::{self, BufReader, Cursor, Read};

use quick_xml::events::Event;
use zip::ZipArchive;

use crate::error::ApiError;

/// All parts together, unpacked: a sheet of 100,000 rows × 21 columns is about 70 MB of XML.
const MAX_UNPACKED: u64 = 200 << 20;
/// The shared strings part: calamine holds every shared string in memory (up to about three
/// bytes per byte of XML), and the text of a whole import is at most 10 MB anyway.
const MAX_SHARED_STRINGS_PART: u64 = 16 << 20;
/// Any other XML part calamine may read (workbook, styles, theme, relationships), except
/// worksheets, which are streamed: a few KB in a real file.
const MAX_OTHER_XML_PART: u64 = 2 << 20;
/// Deflate packs real sheets 10–20:1; whitespace or repetition made to unpack into far more
/// than was sent packs up to 1000:1.
const MAX_RATIO: u64 = 100;
/// Parts up to this size are not held to the ratio: they cannot hurt.
const RATIO_FLOOR: u64 = 1 << 20;
/// Most parts: a workbook has a few dozen.
const MAX_PARTS: usize = 1000;
/// One cell (`<c>`) or shared string (`<si>`), and any run of XML without markup, in bytes:
/// Excel's own limit of 32,767 characters is at most about 160 KB escaped.
pub const MAX_CELL_XML: usize = 256 << 10;
/// Most shared strings a workbook may announce (`uniqueCount`).
const MAX_SHARED_STRINGS: u64 = 1_000_000;

fn unreadable() -> ApiError {
    ApiError::field("file", "xlsx", "not a readable .xlsx workbook")
}

fn too_large(code: &str, message: &str) -> ApiError {
    ApiError::too_large("file", code, message)
}

fn cell_too_large() -> ApiError {
    too_large(
        "cell_too_large",
        "a cell of the workbook holds more than 256 KB (a cell holds at most 32,767 characters)",
    )
}

/// What kind of part an archive entry is, from its name.
#[derive(Debug, PartialEq, Eq)]
enum Part {
    Worksheet,
    SharedStrings,
    OtherXml,
    /// Pictures and the like, which calamine never unpacks.
    Other,
}

fn part_of(name: &[u8]) -> Part {
    let name = name.to_ascii_lowercase();
    let is_xml = name.ends_with(b".xml") || name.ends_with(b".rels");
    if name.ends_with(b"sharedstrings.xml") {
        Part::SharedStrings
    } else if is_xml && name.windows(12).any(|w| w == b"/worksheets/") {
        Part::Worksheet
    } else if is_xml {
        Part::OtherXml
    } else {
        Part::Other
    }
}

/// Checks that the workbook unpacks to a bounded size with no cell larger than
/// [`MAX_CELL_XML`]: 413 problem+json past a limit, 422 when it is not a readable archive.
pub fn inspect(bytes: &[u8]) -> Result<(), ApiError> {
    let mut zip = ZipArchive::new(Cursor::new(bytes)).map_err(|_| unreadable())?;
    if zip.len() > MAX_PARTS {
        return Err(too_large(
            "too_many_parts",
            "the workbook has more than 1,000 parts",
        ));
    }
    let mut total: u64 = 0;
    let mut xml = Vec::new();
    for i in 0..zip.len() {
        let entry = zip.by_index_raw(i).map_err(|_| unreadable())?;
        let (size, packed) = (entry.size(), entry.compressed_size());
        let part = part_of(entry.name_raw());
        let limit = match part {
            Part::SharedStrings => MAX_SHARED_STRINGS_PART,
            Part::OtherXml => MAX_OTHER_XML_PART,
            Part::Worksheet | Part::Other => MAX_UNPACKED,
        };
        total = total.saturating_add(size);
        if size > limit || total > MAX_UNPACKED {
            return Err(too_large(
                "unpacked_too_large",
                "the workbook unpacks to more than 200 MB (shared strings 16 MB, other parts 2 MB)",
            ));
        }
        if size > RATIO_FLOOR && size > packed.saturating_mul(MAX_RATIO) {
            return Err(too_large(
                "compression_ratio",
                "a part of the workbook is packed more than 100:1, as zip bombs are",
            ));
        }
        if part != Part::Other {
            xml.push((i, part));
        }
    }
    for (i, part) in xml {
        let entry = zip.by_index(i).map_err(|_| unreadable())?;
        scan(entry, part == Part::SharedStrings)?;
    }
    Ok(())
}

/// Why a read stopped: a run of more than [`MAX_CELL_XML`] bytes without `<`.
#[derive(Debug)]
struct RunTooLong;

impl std::fmt::Display for RunTooLong {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("XML run too long")
    }
}

impl std::error::Error for RunTooLong {}

/// A reader that fails once more than [`MAX_CELL_XML`] bytes pass without a `<`, so that the
/// XML parser never buffers a larger text node or tag.
struct Runs<R> {
    inner: R,
    since_markup: usize,
}

impl<R: Read> Read for Runs<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        for &b in &buf[..n] {
            if b == b'<' {
                self.since_markup = 0;
            } else {
                self.since_markup += 1;
            }
        }
        if self.since_markup > MAX_CELL_XML {
            return Err(io::Error::other(RunTooLong));
        }
        Ok(n)
    }
}

/// Streams one XML part: every `<c>` or `<si>` element within [`MAX_CELL_XML`] bytes, and
/// the shared strings announced within [`MAX_SHARED_STRINGS`].
fn scan(part: impl Read, shared_strings: bool) -> Result<(), ApiError> {
    let runs = Runs {
        inner: part,
        since_markup: 0,
    };
    let mut xml = quick_xml::Reader::from_reader(BufReader::new(runs));
    // As calamine reads (xlsx::xml_reader), so that both see the same events.
    let config = xml.config_mut();
    config.check_end_names = false;
    config.trim_text(false);
    config.check_comments = false;
    config.expand_empty_elements = true;
    let mut buf = Vec::with_capacity(1024);
    // Inside a cell: its nesting depth and its bytes so far.
    let (mut depth, mut cell_bytes) = (0usize, 0usize);
    loop {
        buf.clear();
        let event = match xml.read_event_into(&mut buf) {
            Ok(e) => e,
            Err(quick_xml::Error::Io(e)) => {
                return Err(if e.get_ref().is_some_and(|e| e.is::<RunTooLong>()) {
                    cell_too_large()
                } else {
                    // The zip crate's: a part unpacking to more than it declared, a bad CRC.
                    unreadable()
                });
            }
            // Malformed XML stops calamine at the same place, with a 422; a part calamine
            // does not read may be malformed without harm.
            Err(_) => return Ok(()),
        };
        // The event's bytes (its markup, `<`, `>`, `&`, `;`, counted as 2).
        let size = event.len() + 2;
        if depth > 0 {
            cell_bytes += size;
            if cell_bytes > MAX_CELL_XML {
                return Err(cell_too_large());
            }
        }
        match event {
            Event::Start(e) => {
                let local = e.local_name();
                let name: &str = local.as_ref();
                if depth > 0 {
                    depth += 1;
                } else if matches!(name, "c" | "si") {
                    (depth, cell_bytes) = (1, size);
                } else if shared_strings && name == "sst" {
                    let announced = e
                        .try_get_attribute("uniqueCount")
                        .map_err(|_| unreadable())?
                        .map(|a| a.value.into_owned());
                    if let Some(count) = announced {
                        check_announced(&count)?;
                    }
                }
            }
            Event::End(_) if depth > 0 => depth -= 1,
            Event::Eof => return Ok(()),
            _ => {}
        }
    }
}

/// calamine reserves room for the shared strings a workbook announces before reading them.
fn check_announced(count: &str) -> Result<(), ApiError> {
    let digits = count.trim();
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        // Not a number: calamine ignores it.
        return Ok(());
    }
    match digits.parse::<u64>() {
        Ok(n) if n <= MAX_SHARED_STRINGS => Ok(()),
        _ => Err(too_large(
            "too_many_strings",
            "the workbook announces more than 1,000,000 shared strings",
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parts_are_told_apart_by_name() {
        assert_eq!(part_of(b"xl/worksheets/sheet1.xml"), Part::Worksheet);
        assert_eq!(part_of(b"XL/Worksheets/Sheet2.XML"), Part::Worksheet);
        assert_eq!(part_of(b"xl/sharedStrings.xml"), Part::SharedStrings);
        assert_eq!(part_of(b"xl/styles.xml"), Part::OtherXml);
        assert_eq!(part_of(b"xl/_rels/workbook.xml.rels"), Part::OtherXml);
        assert_eq!(part_of(b"xl/media/image1.png"), Part::Other);
        // Named like a sheet, but not a sheet's XML: an ordinary part.
        assert_eq!(part_of(b"xl/worksheets/_rels/x.bin"), Part::Other);
    }

    #[test]
    fn announced_shared_strings_are_bounded() {
        assert!(check_announced("12").is_ok());
        assert!(check_announced("1000000").is_ok());
        assert!(check_announced("abc").is_ok());
        for n in ["1000001", "4000000000", "99999999999999999999999"] {
            assert!(check_announced(n).is_err(), "{n:?}");
        }
    }
}
