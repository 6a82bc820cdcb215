//! The report as one self-contained HTML page: printable, accessible (WCAG 2.2 AA: real
//! headings, tables with captions, charts with text alternatives and the same numbers
//! in a table), styled like GOV.UK services and laid out like an inspection report's
//! appendix of case data (stacked bars of absolute yes / no / not applicable numbers).
//!
//! Built with plain string writing rather than a template engine: one page, no
//! dependencies, and every dynamic string goes through [`escape`].

use std::fmt::Write;

use crate::instrument::{self, Domain, Question};
use crate::policy::{Rating, RatingPolicy};
use crate::report::{QuestionFinding, Report};

const STYLE: &str = r#"
*{box-sizing:border-box}
body{margin:0;font-family:"GDS Transport",arial,sans-serif;font-size:19px;line-height:1.32;color:#0b0c0c;background:#fff}
a{color:#1d70b8}a:focus{outline:3px solid transparent;background:#fd0;color:#0b0c0c;box-shadow:0 -2px #fd0,0 4px #0b0c0c;text-decoration:none}
.skip{position:absolute;left:-9999px}.skip:focus{left:8px;top:8px;padding:8px;z-index:1}
.header{background:#0b0c0c;color:#fff;padding:10px 0;border-bottom:10px solid #1d70b8}
.width{max-width:1020px;margin:0 auto;padding:0 15px}
.header .service{font-weight:700;font-size:24px}
main{padding:30px 0 40px}
h1{font-size:48px;line-height:1.04;margin:0 0 30px}
h2{font-size:36px;line-height:1.11;margin:45px 0 20px}
h3{font-size:27px;line-height:1.11;margin:35px 0 15px}
p{margin:0 0 20px}
.lead{font-size:24px}
.hint{color:#505a5f}
table{width:100%;border-collapse:collapse;margin:0 0 30px;font-size:16px}
caption{text-align:left;font-weight:700;font-size:19px;margin-bottom:10px}
th,td{padding:10px 20px 10px 0;border-bottom:1px solid #b1b4b6;text-align:left;vertical-align:top}
td.num,th.num{text-align:right}
.tag{display:inline-block;padding:2px 8px 3px;font-weight:700;font-size:16px}
.tag-outstanding{color:#005a30;background:#cce2d8}
.tag-good{color:#0c2d4a;background:#bbd4ea}
.tag-requires_improvement{color:#594d00;background:#fff7bf}
.tag-inadequate{color:#2a0b06;background:#f4cdc6}
.tag-none{color:#282d30;background:#e5e6e7}
.summary{border-left:10px solid #1d70b8;padding:15px 20px;background:#f3f2f1;margin-bottom:30px}
figure{margin:0 0 20px;break-inside:avoid}
figcaption{font-weight:700;margin-bottom:10px}
svg{max-width:100%;height:auto;display:block}
.legend{display:flex;gap:20px;flex-wrap:wrap;margin:0 0 10px;padding:0;list-style:none;font-size:16px}
.swatch{display:inline-block;width:16px;height:16px;margin-right:6px;vertical-align:-2px;border:1px solid #0b0c0c}
footer{border-top:1px solid #b1b4b6;padding:20px 0;font-size:16px;color:#505a5f}
@media print{
 body{font-size:12pt}.header{background:none;color:#000;border-bottom:2pt solid #000}
 .skip{display:none}h2{break-after:avoid;font-size:20pt}h3{break-after:avoid;font-size:15pt}
 h1{font-size:26pt}table,figure{break-inside:avoid}a{color:#000}
}
"#;

/// Colours for yes, no and not applicable: GOV.UK green, red and mid-grey, with text
/// colours that keep 4.5:1 contrast on each.
const SEGMENTS: [(&str, &str, &str); 3] =
    [("Yes", "#00703c", "#ffffff"), ("No", "#d4351c", "#ffffff"), ("Not applicable", "#b1b4b6", "#0b0c0c")];

/// Escape text for HTML element content and attribute values.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

fn tag(rating: Option<Rating>) -> String {
    match rating {
        Some(r) => format!(r#"<strong class="tag tag-{}">{}</strong>"#, r.id(), r.label()),
        None => r#"<strong class="tag tag-none">Not rated</strong>"#.to_string(),
    }
}

fn fmt_pct(p: Option<f64>) -> String {
    p.map_or_else(|| "–".to_string(), |p| format!("{p:.1}%"))
}

/// Render the report as a complete HTML page.
pub fn render_html(report: &Report) -> String {
    render_html_with_policy(report, &RatingPolicy::default())
}

/// Render with the rating policy whose source the page cites.
pub fn render_html_with_policy(report: &Report, policy: &RatingPolicy) -> String {
    let mut h = String::with_capacity(64 * 1024);
    h.push_str("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
    h.push_str("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
    h.push_str("<title>Inspection findings – Probity</title>\n<style>");
    h.push_str(STYLE);
    h.push_str("</style>\n</head>\n<body>\n");
    h.push_str("<a class=\"skip\" href=\"#main\">Skip to main content</a>\n");
    h.push_str("<header class=\"header\"><div class=\"width\"><span class=\"service\">Probity</span> <span>Case inspection</span></div></header>\n");
    h.push_str("<div class=\"width\"><main id=\"main\">\n<h1>Inspection findings</h1>\n");
    let _ = writeln!(
        h,
        "<p class=\"lead\">Findings from {} inspected case{}.</p>",
        report.cases,
        if report.cases == 1 { "" } else { "s" }
    );

    // Overall rating.
    h.push_str("<div class=\"summary\">\n<h2 style=\"margin-top:0\">Overall rating</h2>\n");
    match &report.overall {
        Some(o) => {
            let _ =
                writeln!(h, "<p>{} <span class=\"hint\">(score {} out of 30)</span></p>", tag(Some(o.rating)), o.score);
        }
        None => h.push_str(
            "<p>Not rated. An overall rating needs all ten standards rated: the four case \
             supervision standards from the cases and the six others from the inspectors.</p>\n",
        ),
    }
    h.push_str("</div>\n");

    // Ratings by standard.
    h.push_str("<h2>Ratings by standard</h2>\n<table>\n<caption>Rating of each standard</caption>\n");
    h.push_str("<thead><tr><th scope=\"col\">Standard</th><th scope=\"col\">Rating</th><th scope=\"col\">Rated from</th><th scope=\"col\" class=\"num\">Relevant cases sufficient</th></tr></thead>\n<tbody>\n");
    for s in &report.standards {
        let from = match &s.lowest_question {
            Some(q) => format!("lowest question {}", escape(q)),
            None if instrument::CASE_STANDARDS.iter().any(|(id, _)| *id == s.id) => "no relevant cases".to_string(),
            None => "inspectors' judgement".to_string(),
        };
        let _ = writeln!(
            h,
            "<tr><th scope=\"row\">{}</th><td>{}</td><td>{}</td><td class=\"num\">{}</td></tr>",
            escape(instrument::standard_title(&s.id)),
            tag(s.rating),
            from,
            fmt_pct(s.percent)
        );
    }
    h.push_str("</tbody>\n</table>\n");

    // Findings by question, grouped as the report's appendix charts.
    h.push_str("<h2>Findings from inspected cases</h2>\n");
    h.push_str(
        "<p>Each figure is the share of relevant cases: yes out of yes and no. \
                Not applicable answers are shown in the charts but do not count towards a figure. \
                The charts show absolute numbers: the size of each segment gives an idea of \
                proportion, the numbers of how large the sample was. Questions with no answers are left out.</p>\n",
    );
    let questions = instrument::questions();
    let mut figure = 0;
    for domain in [
        Domain::ProtectingThePublic,
        Domain::ReducingReoffending,
        Domain::AbidingByTheSentence,
        Domain::WorkingTogether,
    ] {
        let in_domain: Vec<(&Question, &QuestionFinding)> = questions
            .iter()
            .zip(&report.questions)
            .filter(|(q, f)| q.domain == domain && f.yes + f.no + f.na > 0)
            .collect();
        let _ = writeln!(h, "<h3>{}</h3>", domain.title());
        if in_domain.is_empty() {
            h.push_str("<p class=\"hint\">No answers recorded.</p>\n");
            continue;
        }
        let mut groups: Vec<&str> = Vec::new();
        for (q, _) in &in_domain {
            if !groups.contains(&q.group.as_str()) {
                groups.push(&q.group);
            }
        }
        for group in groups {
            figure += 1;
            let rows: Vec<&(&Question, &QuestionFinding)> =
                in_domain.iter().filter(|(q, _)| q.group == group).collect();
            write_figure(&mut h, figure, group, &rows);
        }
    }
    h.push_str("</main></div>\n<footer><div class=\"width\">");
    let _ = write!(
        h,
        "<p>Ratings: a case supervision standard takes the band of its lowest question \
         (80% or more outstanding, 65% good, 50% requires improvement, below that inadequate, \
         on the unrounded share). Intervals are 95% Wilson score intervals. Source of the rating policy: {}.</p>",
        escape(policy.source)
    );
    h.push_str("</div></footer>\n</body>\n</html>\n");
    h
}

fn write_figure(h: &mut String, n: usize, group: &str, rows: &[&(&Question, &QuestionFinding)]) {
    let group = escape(group);
    let label_width = 150.0;
    let bar_width = 560.0;
    let row_height = 30.0;
    let top = 10.0;
    let height = top + row_height * rows.len() as f64 + 10.0;
    let width = label_width + bar_width + 20.0;
    let max_total = rows.iter().map(|(_, f)| f.yes + f.no + f.na).max().unwrap_or(1).max(1) as f64;

    let _ = writeln!(h, "<figure>\n<figcaption id=\"fig{n}-title\">Figure {n}: {group}</figcaption>");
    h.push_str("<ul class=\"legend\">");
    for (label, fill, _) in SEGMENTS {
        let _ = write!(h, "<li><span class=\"swatch\" style=\"background:{fill}\"></span>{label}</li>");
    }
    h.push_str("</ul>\n");
    let _ = writeln!(
        h,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {width} {height}\" width=\"{width}\" height=\"{height}\" role=\"img\" aria-labelledby=\"fig{n}-title fig{n}-desc\">"
    );
    let _ = writeln!(
        h,
        "<desc id=\"fig{n}-desc\">Stacked bars of yes, no and not applicable answers per question; the numbers are in the table below.</desc>"
    );
    for (i, (q, f)) in rows.iter().enumerate() {
        let y = top + row_height * i as f64;
        let _ = writeln!(
            h,
            "<text x=\"{}\" y=\"{}\" text-anchor=\"end\" font-size=\"14\" font-family=\"arial,sans-serif\" fill=\"#0b0c0c\">{}</text>",
            label_width - 8.0,
            y + 19.0,
            escape(&q.id)
        );
        let mut x = label_width;
        for ((label, fill, ink), count) in SEGMENTS.iter().zip([f.yes, f.no, f.na]) {
            if count == 0 {
                continue;
            }
            let w = bar_width * count as f64 / max_total;
            let _ = writeln!(
                h,
                "<rect x=\"{x:.1}\" y=\"{y:.1}\" width=\"{w:.1}\" height=\"{:.1}\" fill=\"{fill}\" stroke=\"#ffffff\" stroke-width=\"1\"><title>{}: {label} {count}</title></rect>",
                row_height - 6.0,
                escape(&q.id)
            );
            if w >= 22.0 {
                let _ = writeln!(
                    h,
                    "<text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\" font-size=\"14\" font-weight=\"bold\" font-family=\"arial,sans-serif\" fill=\"{ink}\">{count}</text>",
                    x + w / 2.0,
                    y + 17.0
                );
            }
            x += w;
        }
    }
    h.push_str("</svg>\n</figure>\n");

    let _ = writeln!(h, "<table>\n<caption>Figure {n} in numbers: {group}</caption>");
    h.push_str("<thead><tr><th scope=\"col\">Question</th><th scope=\"col\" class=\"num\">Yes</th><th scope=\"col\" class=\"num\">No</th><th scope=\"col\" class=\"num\">Not applicable</th><th scope=\"col\" class=\"num\">Relevant cases: yes</th><th scope=\"col\" class=\"num\">95% interval</th><th scope=\"col\" class=\"num\">Comparison</th></tr></thead>\n<tbody>\n");
    for (q, f) in rows {
        let interval = match (f.ci_low, f.ci_high) {
            (Some(lo), Some(hi)) => format!("{lo:.1}% to {hi:.1}%"),
            _ => "–".to_string(),
        };
        let _ = writeln!(
            h,
            "<tr><th scope=\"row\"><span class=\"hint\">{}</span> {}</th><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td></tr>",
            escape(&q.id),
            escape(&q.text),
            f.yes,
            f.no,
            f.na,
            fmt_pct(f.percent),
            interval,
            fmt_pct(f.comparison)
        );
    }
    h.push_str("</tbody>\n</table>\n");
}
