//! The report as one self-contained HTML page: printable, accessible (WCAG 2.2 AA: real
//! headings, tables with captions, charts with text alternatives and the same numbers
//! in a table), styled like GOV.UK services and laid out like an inspection report's
//! appendix of case data (stacked bars of absolute yes / no / not applicable numbers).
//!
//! Built with plain string writing rather than a template engine: one page, no
//! dependencies, and every dynamic string goes through [`escape`].

use std::fmt::Write;

use crate::composition::Dimension;
use crate::document::{InspectionReport, NarrativeItem};
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
 .appendix{break-before:page}.keyfacts{break-inside:avoid}
 .tag{border:1pt solid #000}
}
@page{size:A4;margin:18mm 15mm}
.keyfacts{display:grid;grid-template-columns:repeat(auto-fit,minmax(200px,1fr));gap:15px;margin:0 0 30px;padding:0}
.keyfacts div{border-top:5px solid #1d70b8;padding-top:8px}
.keyfacts dt{font-size:16px;color:#505a5f}.keyfacts dd{margin:0;font-size:27px;font-weight:700}
blockquote{margin:0 0 20px;padding:10px 20px;border-left:5px solid #b1b4b6}
.up{color:#00703c}.down{color:#d4351c}
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
    write_head(&mut h, "Inspection findings");
    let _ = writeln!(
        h,
        "<p class=\"lead\">Findings from {} inspected case{}.</p>",
        report.cases,
        if report.cases == 1 { "" } else { "s" }
    );
    write_ratings(&mut h, report);
    h.push_str("<h2>Findings from inspected cases</h2>\n");
    write_case_data(&mut h, report, "h3");
    write_footer(&mut h, policy);
    h
}

fn write_head(h: &mut String, title: &str) {
    h.push_str("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
    h.push_str("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
    let _ = write!(h, "<title>{} – Probity</title>\n<style>", escape(title));
    h.push_str(STYLE);
    h.push_str("</style>\n</head>\n<body>\n");
    h.push_str("<a class=\"skip\" href=\"#main\">Skip to main content</a>\n");
    h.push_str("<header class=\"header\"><div class=\"width\"><span class=\"service\">Probity</span> <span>Case inspection</span></div></header>\n");
    let _ = writeln!(h, "<div class=\"width\"><main id=\"main\">\n<h1>{}</h1>", escape(title));
}

fn write_ratings(h: &mut String, report: &Report) {
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
}

/// The case data charts and tables, grouped as the report's Appendix 4; `level` is the
/// heading level of each domain.
fn write_case_data(h: &mut String, report: &Report, level: &str) {
    // Findings by question, grouped as the report's appendix charts.
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
        let _ = writeln!(h, "<{level}>{}</{level}>", domain.title());
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
            write_figure(h, figure, group, &rows);
        }
    }
}

fn write_footer(h: &mut String, policy: &RatingPolicy) {
    h.push_str("</main></div>\n<footer><div class=\"width\">");
    let _ = write!(
        h,
        "<p>Ratings: a case supervision standard takes the band of its lowest question \
         (80% or more outstanding, 65% good, 50% requires improvement, below that inadequate, \
         on the unrounded share). Intervals are 95% Wilson score intervals. Source of the rating policy: {}.</p>",
        escape(policy.source)
    );
    h.push_str("</div></footer>\n</body>\n</html>\n");
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

/// Population and sample bars in the composition charts: GOV.UK dark grey and blue.
const COMPOSITION_SERIES: [(&str, &str); 2] = [("Population", "#505a5f"), ("Sample", "#1d70b8")];

/// The first letter in capitals, for ids shown as labels ("national average", "low").
fn sentence_case(s: &str) -> String {
    let mut c = s.chars();
    c.next().map_or_else(String::new, |f| f.to_uppercase().chain(c).collect())
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

fn narrative_list(h: &mut String, title: &str, items: &[NarrativeItem], none: &str) {
    let _ = writeln!(h, "<h3>{}</h3>", escape(title));
    if items.is_empty() {
        let _ = writeln!(h, "<p class=\"hint\">{}</p>", escape(none));
        return;
    }
    h.push_str("<ol>\n");
    for n in items {
        let _ = writeln!(
            h,
            "<li><p>{}</p><p class=\"hint\">{} {}, version {}</p></li>",
            escape(&n.text),
            escape(&n.written_by),
            escape(n.written_at.get(..10).unwrap_or(&n.written_at)),
            n.version
        );
    }
    h.push_str("</ol>\n");
}

/// Render the whole inspection report (key facts, findings per domain, the inspectors'
/// narrative, practice examples, appendices) as one printable page.
pub fn render_inspection_html(r: &InspectionReport) -> String {
    let policy = RatingPolicy::default();
    let k = &r.key_facts;
    let mut h = String::with_capacity(128 * 1024);
    write_head(&mut h, &format!("Inspection {}", k.inspection));

    // Key facts.
    h.push_str("<h2>Key facts</h2>\n<dl class=\"keyfacts\">\n");
    for (label, value) in [
        ("Cases in scope", k.cases_in_scope.to_string()),
        ("Cases sampled", k.sampled.to_string()),
        ("Cases inspected", k.inspected.to_string()),
        ("Responsible officers", format!("{} of {}", k.officers_sampled, k.officers)),
        ("Offices", format!("{} of {}", k.offices_sampled, k.offices)),
    ] {
        let _ = writeln!(h, "<div><dt>{label}</dt><dd>{}</dd></div>", escape(&value));
    }
    h.push_str("</dl>\n");
    let period = match &k.period_from {
        Some(from) => format!("cases that started from {} to {}", escape(from), escape(&k.period_to)),
        None => format!("cases that had started by {}", escape(&k.period_to)),
    };
    let _ = writeln!(
        h,
        "<p>The sample was drawn from {period}. The inspection was announced on {} and fieldwork began on {}.</p>",
        k.announced_on, k.fieldwork_on
    );
    write_ratings(&mut h, &r.findings);

    // Findings per domain.
    h.push_str("<h2>Findings</h2>\n");
    let label = escape(&sentence_case(&r.comparison_label));
    for d in &r.domains {
        let _ = writeln!(h, "<h3>{}</h3>", escape(d.domain));
        if d.questions.is_empty() {
            h.push_str("<p class=\"hint\">No answers recorded.</p>\n");
            continue;
        }
        let _ = writeln!(h, "<table>\n<caption>{}: share of relevant cases</caption>", escape(d.domain));
        let _ = writeln!(
            h,
            "<thead><tr><th scope=\"col\">Question</th><th scope=\"col\" class=\"num\">Relevant cases</th><th scope=\"col\" class=\"num\">Yes</th><th scope=\"col\" class=\"num\">{label}</th><th scope=\"col\" class=\"num\">Difference</th></tr></thead>\n<tbody>"
        );
        for q in &d.questions {
            let diff = match q.difference {
                Some(x) if x > 0.0 => format!("<span class=\"up\">+{x:.1} points</span>"),
                Some(x) if x < 0.0 => format!("<span class=\"down\">{x:.1} points</span>"),
                Some(_) => "no difference".to_string(),
                None => "–".to_string(),
            };
            let _ = writeln!(
                h,
                "<tr><th scope=\"row\"><span class=\"hint\">{}</span> {}</th><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{diff}</td></tr>",
                escape(&q.id),
                escape(&q.text),
                q.relevant,
                fmt_pct(q.percent),
                fmt_pct(q.comparison)
            );
        }
        h.push_str("</tbody>\n</table>\n");
    }

    // The inspectors' narrative.
    h.push_str("<h2>What helps and what hinders</h2>\n");
    narrative_list(&mut h, "Enablers", &r.enablers, "No enablers written.");
    narrative_list(&mut h, "Barriers", &r.barriers, "No barriers written.");
    h.push_str("<h2>Recommendations</h2>\n");
    narrative_list(&mut h, "The provider should", &r.recommendations, "No recommendations written.");
    h.push_str("<h2>Practice examples</h2>\n");
    if r.examples.is_empty() {
        h.push_str("<p class=\"hint\">No practice examples written.</p>\n");
    }
    for n in &r.examples {
        let about = match &n.question {
            Some(q) => {
                let text = instrument::questions().into_iter().find(|x| &x.id == q).map(|x| x.text);
                format!(", question {}{}", escape(q), text.map_or(String::new(), |t| format!(": {}", escape(&t))))
            }
            None => String::new(),
        };
        let _ = writeln!(
            h,
            "<h3>Case {}{about}</h3>\n<blockquote><p>{}</p></blockquote>\n<p class=\"hint\">{} {}, version {}</p>",
            escape(n.crn.as_deref().unwrap_or("")),
            escape(&n.text),
            escape(&n.written_by),
            escape(n.written_at.get(..10).unwrap_or(&n.written_at)),
            n.version
        );
    }

    // Appendix 1: methodology.
    let m = &r.methodology;
    h.push_str("<section class=\"appendix\">\n<h2>Appendix 1: Methodology</h2>\n");
    let _ = writeln!(
        h,
        "<p>The sample was drawn with the {} scheme (seed {}): {} requested, {}% buffer, {} targeted, shortfall {}.</p>",
        if m.scheme == "report" { "report's own" } else { "inspectorate's" },
        m.seed,
        plural(m.requested, "case", "cases"),
        m.buffer_percent,
        m.target,
        m.shortfall
    );
    h.push_str("<table>\n<caption>Cases excluded before sampling</caption>\n<thead><tr><th scope=\"col\">Reason</th><th scope=\"col\" class=\"num\">Cases</th></tr></thead>\n<tbody>\n");
    for e in &m.exclusions {
        let _ = writeln!(
            h,
            "<tr><th scope=\"row\">{}</th><td class=\"num\">{}</td></tr>",
            escape(&e.reason.replace('_', " ")),
            e.cases
        );
    }
    if m.exclusions.is_empty() {
        h.push_str("<tr><td colspan=\"2\">None</td></tr>\n");
    }
    h.push_str("</tbody>\n</table>\n");
    if !m.strata.is_empty() {
        h.push_str("<table>\n<caption>Strata</caption>\n<thead><tr><th scope=\"col\">Stratum</th><th scope=\"col\" class=\"num\">Population</th><th scope=\"col\" class=\"num\">Sample size</th></tr></thead>\n<tbody>\n");
        for s in &m.strata {
            let _ = writeln!(
                h,
                "<tr><th scope=\"row\">{}</th><td class=\"num\">{}</td><td class=\"num\">{}</td></tr>",
                escape(&s.name),
                s.population,
                s.size
            );
        }
        h.push_str("</tbody>\n</table>\n");
    }
    h.push_str("<h3>The sample against the population</h3>\n");
    for (i, d) in r.composition.iter().enumerate() {
        write_composition(&mut h, i + 1, d);
    }
    h.push_str("</section>\n");

    // Appendix 2: the look behind.
    let w = &r.recorded_after_announcement;
    h.push_str("<section class=\"appendix\">\n<h2>Appendix 2: Recorded after the announcement</h2>\n");
    let _ = writeln!(
        h,
        "<p>{} in the sample had records written on or after the announcement on {}.</p>",
        plural(r.cases_with_records_after_announcement, "case", "cases"),
        k.announced_on
    );
    h.push_str("<table>\n<caption>Work in the sample recorded after the announcement</caption>\n<thead><tr><th scope=\"col\">Record</th><th scope=\"col\" class=\"num\">Recorded after the announcement</th></tr></thead>\n<tbody>\n");
    for (label, n) in [("Assessments", w.assessments), ("Plans", w.plans), ("Reviews", w.reviews)] {
        let _ = writeln!(h, "<tr><th scope=\"row\">{label}</th><td class=\"num\">{n}</td></tr>");
    }
    h.push_str("</tbody>\n</table>\n</section>\n");

    // Appendix 3: case data.
    h.push_str("<section class=\"appendix\">\n<h2>Appendix 3: Inspection data</h2>\n");
    write_case_data(&mut h, &r.findings, "h3");
    h.push_str("</section>\n");
    write_footer(&mut h, &policy);
    h
}

/// One dimension of the composition: population and sample shares as paired bars, and the
/// same numbers in a table.
fn write_composition(h: &mut String, n: usize, d: &Dimension) {
    let title = escape(d.title);
    let (label_width, bar_width, bar, gap) = (150.0, 520.0, 12.0, 10.0);
    let row = 2.0 * bar + gap;
    let height = 10.0 + row * d.rows.len() as f64;
    let width = label_width + bar_width + 70.0;
    let _ = writeln!(h, "<figure>\n<figcaption id=\"comp{n}-title\">Composition {n}: {title}</figcaption>");
    h.push_str("<ul class=\"legend\">");
    for (label, fill) in COMPOSITION_SERIES {
        let _ = write!(h, "<li><span class=\"swatch\" style=\"background:{fill}\"></span>{label}</li>");
    }
    h.push_str("</ul>\n");
    let _ = writeln!(
        h,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {width} {height}\" width=\"{width}\" height=\"{height}\" role=\"img\" aria-labelledby=\"comp{n}-title comp{n}-desc\">\n<desc id=\"comp{n}-desc\">Percentage of the population and of the sample for each {}; the numbers are in the table below.</desc>",
        title.to_lowercase()
    );
    for (i, r) in d.rows.iter().enumerate() {
        let y = 5.0 + row * i as f64;
        let _ = writeln!(
            h,
            "<text x=\"{}\" y=\"{:.1}\" text-anchor=\"end\" font-size=\"14\" font-family=\"arial,sans-serif\" fill=\"#0b0c0c\">{}</text>",
            label_width - 8.0,
            y + bar + 4.0,
            escape(&sentence_case(&r.value))
        );
        for (j, ((label, fill), pct)) in
            COMPOSITION_SERIES.iter().zip([r.population_percent, r.sample_percent]).enumerate()
        {
            let p = pct.unwrap_or(0.0);
            let w = bar_width * p / 100.0;
            let by = y + bar * j as f64;
            let _ = writeln!(
                h,
                "<rect x=\"{label_width}\" y=\"{by:.1}\" width=\"{w:.1}\" height=\"{bar}\" fill=\"{fill}\"><title>{}: {label} {p:.1}%</title></rect><text x=\"{:.1}\" y=\"{:.1}\" font-size=\"11\" font-family=\"arial,sans-serif\" fill=\"#0b0c0c\">{p:.1}%</text>",
                escape(&r.value),
                label_width + w + 4.0,
                by + bar - 2.0
            );
        }
    }
    h.push_str("</svg>\n</figure>\n");
    let _ = writeln!(h, "<table>\n<caption>Composition {n} in numbers: {title}</caption>");
    h.push_str("<thead><tr><th scope=\"col\">Group</th><th scope=\"col\" class=\"num\">Population</th><th scope=\"col\" class=\"num\">% of population</th><th scope=\"col\" class=\"num\">Sample</th><th scope=\"col\" class=\"num\">% of sample</th></tr></thead>\n<tbody>\n");
    for r in &d.rows {
        let _ = writeln!(
            h,
            "<tr><th scope=\"row\">{}</th><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td></tr>",
            escape(&sentence_case(&r.value)),
            r.population,
            fmt_pct(r.population_percent),
            r.sample,
            fmt_pct(r.sample_percent)
        );
    }
    h.push_str("</tbody>\n</table>\n");
}
