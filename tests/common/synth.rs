//! Synthetic cables in the sanitized routing layout, written for tests (no corpus text).

/// A cable from `post` (as written, `SAN JOSE`) with serial `serial`, sent on `day` of
/// July of `year` (two digits), with the given paragraphs.
pub fn cable(
    year: u32,
    post: &str,
    serial: u32,
    day: u32,
    subject: &str,
    paragraphs: &[&str],
) -> String {
    let body: String =
        paragraphs.iter().enumerate().map(|(i, p)| format!("{}. (SBU) {p}\n\n", i + 1)).collect();
    format!(
        "VZCZCXYZ0000\nRR RUEHWEB\n\nDE RUEHXX #{:04}/01 1921320\nZNR UUUUU ZZH\nR {day:02}1320Z JUL {year:02}\n\
         FM AMEMBASSY {post}\nTO RUEHC/SECSTATE WASHDC 0650\n\nUNCLAS {post} {serial:06}\n\nSIPDIS\n\n\
         E.O. 12958: N/A\nTAGS: PREL PHUM XX\nSUBJECT: {subject}\n\nREF: STATE 1234\n\n{body}",
        serial % 10_000
    )
}

/// The canonical ID of [`cable`]'s output.
pub fn id(year: u32, post: &str, serial: u32) -> String {
    format!("{year:02}{}{serial}", post.replace(' ', ""))
}

/// `n` distinct small cables, as (file name, text).
pub fn many(n: u32) -> Vec<(String, String)> {
    (1..=n)
        .map(|serial| {
            let text = cable(
                9,
                "SAN JOSE",
                serial,
                1 + serial % 28,
                &format!("SYNTHETIC TEST CABLE NUMBER {serial}"),
                &[
                    "This is a synthetic cable written for a test.",
                    "The ministry said it will publish the report next month.",
                ],
            );
            (format!("{}.txt", id(9, "SAN JOSE", serial)), text)
        })
        .collect()
}
