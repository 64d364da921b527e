//! A small RFC 4180 reader for the import files (专家导入, 节假日导入): quotes, doubled quotes,
//! line breaks inside quotes, CRLF or LF, an optional UTF-8 BOM; and the problem of one row,
//! reported by line and column.
//!
//! (The `csv` crate was weighed and not taken: it ends a field silently at the end of the input
//! inside an open quote, where this reader reports the line the quote was opened on.)

use serde::{Deserialize, Serialize};

/// One problem of one CSV row: `line` is the line of the file (the header is line 1), `column`
/// the translation key of the column's name (empty for the whole row).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RowError {
    pub line: usize,
    pub column: String,
    pub key: String,
    #[serde(default)]
    pub args: Vec<(String, String)>,
}

/// Records with the line each starts on; blank lines are skipped. `Err(line)`: a quote
/// opened on that line is never closed.
pub fn parse_csv(text: &str) -> Result<Vec<(usize, Vec<String>)>, usize> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut out = Vec::new();
    let mut rec: Vec<String> = Vec::new();
    let mut cell = String::new();
    let mut quoted = false;
    let mut line = 1;
    let mut start = 1;
    let mut quote_line = 0;
    let mut chars = text.chars().peekable();
    let mut push_rec = |rec: &mut Vec<String>, cell: &mut String, start: usize| {
        rec.push(std::mem::take(cell));
        let r = std::mem::take(rec);
        if !(r.len() == 1 && r[0].trim().is_empty()) {
            out.push((start, r));
        }
    };
    while let Some(ch) = chars.next() {
        if quoted {
            match ch {
                '"' if chars.peek() == Some(&'"') => {
                    chars.next();
                    cell.push('"');
                }
                '"' => quoted = false,
                '\n' => {
                    line += 1;
                    cell.push('\n');
                }
                c => cell.push(c),
            }
            continue;
        }
        match ch {
            '"' if cell.trim().is_empty() => {
                cell.clear();
                quoted = true;
                quote_line = line;
            }
            ',' => rec.push(std::mem::take(&mut cell)),
            '\r' if chars.peek() == Some(&'\n') => {}
            '\n' | '\r' => {
                push_rec(&mut rec, &mut cell, start);
                line += 1;
                start = line;
            }
            c => cell.push(c),
        }
    }
    if quoted {
        return Err(quote_line);
    }
    push_rec(&mut rec, &mut cell, start);
    Ok(out)
}
