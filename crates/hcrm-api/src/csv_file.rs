//! The one CSV writer of the product (CUS-13, issue 7 item 3): every CSV file it writes —
//! the customer export today, any other list tomorrow — is UTF-8 with a byte-order mark (so
//! that Excel reads the Chinese text) and has every cell through
//! [`spreadsheet::neutralize`], so that a spreadsheet shows text instead of running a
//! formula. A test below fails when another `csv::Writer` appears in the workspace.

use hcrm_domain::spreadsheet;

use crate::error::ApiError;

/// A CSV file being written in memory.
pub struct CsvFile {
    writer: csv::Writer<Vec<u8>>,
}

fn failed(e: impl std::fmt::Display) -> ApiError {
    log::error!("csv: {e}");
    ApiError::Internal
}

impl CsvFile {
    pub fn new() -> CsvFile {
        CsvFile {
            writer: csv::Writer::from_writer(b"\xEF\xBB\xBF".to_vec()),
        }
    }

    /// Writes a row, each cell neutralised.
    pub fn row<S: AsRef<str>>(
        &mut self,
        cells: impl IntoIterator<Item = S>,
    ) -> Result<(), ApiError> {
        let cells: Vec<_> = cells
            .into_iter()
            .map(|c| spreadsheet::neutralize(c.as_ref()).into_owned())
            .collect();
        self.writer.write_record(&cells).map_err(failed)
    }

    /// The file's bytes.
    pub fn finish(self) -> Result<Vec<u8>, ApiError> {
        self.writer.into_inner().map_err(failed)
    }
}

impl Default for CsvFile {
    fn default() -> Self {
        CsvFile::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_are_neutralised_and_the_file_starts_with_a_bom() {
        let mut file = CsvFile::new();
        file.row(["姓名", "备注"]).unwrap();
        file.row(["=1+1", "a,b"]).unwrap();
        file.row(["+86 138", "-2+3+cmd|' /C calc'!A0"]).unwrap();
        let bytes = file.finish().unwrap();
        assert_eq!(
            String::from_utf8(bytes).unwrap(),
            "\u{feff}姓名,备注\n'=1+1,\"a,b\"\n'+86 138,'-2+3+cmd|' /C calc'!A0\n"
        );
    }

    /// Every CSV the product writes goes through this module: no other writer in the code.
    #[test]
    fn there_is_no_other_csv_writer() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
        let mut offenders = Vec::new();
        let mut dirs = vec![root.join("crates"), root.join("frontend/src")];
        while let Some(dir) = dirs.pop() {
            for entry in std::fs::read_dir(&dir).unwrap().flatten() {
                let path = entry.path();
                if path.is_dir() {
                    if !path.ends_with("target") && !path.ends_with("tests") {
                        dirs.push(path);
                    }
                } else if path.extension().is_some_and(|e| e == "rs")
                    && !path.ends_with("csv_file.rs")
                {
                    let text = std::fs::read_to_string(&path).unwrap();
                    if text.contains("csv::Writer") || text.contains("csv::WriterBuilder") {
                        offenders.push(path.display().to_string());
                    }
                }
            }
        }
        assert!(
            offenders.is_empty(),
            "write CSV with CsvFile: {offenders:?}"
        );
    }
}
