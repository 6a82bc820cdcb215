//! The SVG chart: server-rendered, an image with a title and description; the table below it
//! carries the same numbers for anyone who cannot see it.

// The area's request parsing, scopes and figure rows are in `mi` (mod.rs); its imports come
// with them.
use super::*;

fn xml_escape(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

const SLOT: usize = 84;
const PLOT: f64 = 200.0;
const TOP: f64 = 24.0;
const LEFT: usize = 56;

/// A bar chart of the rows' percentages on a 0 to 100 scale.
pub fn chart(title: &str, rows: &[FigureRow]) -> String {
    let width = LEFT + SLOT * rows.len().max(1) + 16;
    let height = TOP + PLOT + 48.0;
    let y = |p: f64| TOP + PLOT - PLOT * p.clamp(0.0, 100.0) / 100.0;
    let desc: Vec<String> = rows
        .iter()
        .map(|r| match r.percent {
            Some(p) => format!("{}: {p:.1}% ({} of {})", r.period, r.numerator, r.denominator),
            None => format!("{}: no cases", r.period),
        })
        .collect();
    let mut svg = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"mi-chart\" role=\"img\" width=\"100%\" font-family=\"arial, sans-serif\" \
         viewBox=\"0 0 {width} {height}\" aria-labelledby=\"chart-title chart-desc\">\
         <title id=\"chart-title\">{}</title><desc id=\"chart-desc\">Percentage by period. {}.</desc>",
        xml_escape(title),
        xml_escape(&desc.join("; "))
    );
    for tick in [0.0, 25.0, 50.0, 75.0, 100.0] {
        let ty = y(tick);
        svg.push_str(&format!(
            "<line x1=\"{LEFT}\" x2=\"{}\" y1=\"{ty}\" y2=\"{ty}\" stroke=\"#b1b4b6\" stroke-width=\"1\"/>\
             <text x=\"{}\" y=\"{}\" text-anchor=\"end\" font-size=\"13\" fill=\"#0b0c0c\">{tick:.0}%</text>",
            width - 16,
            LEFT - 6,
            ty + 4.0
        ));
    }
    for (i, r) in rows.iter().enumerate() {
        let x = LEFT + SLOT * i + 12;
        let bar = SLOT - 24;
        let centre = x + bar / 2;
        if let Some(p) = r.percent {
            let top = y(p);
            svg.push_str(&format!(
                "<rect x=\"{x}\" y=\"{top}\" width=\"{bar}\" height=\"{}\" fill=\"#1d70b8\"/>\
                 <text x=\"{centre}\" y=\"{}\" text-anchor=\"middle\" font-size=\"13\" fill=\"#0b0c0c\">{p:.1}%</text>",
                TOP + PLOT - top,
                top - 6.0
            ));
        } else {
            svg.push_str(&format!(
                "<text x=\"{centre}\" y=\"{}\" text-anchor=\"middle\" font-size=\"13\" fill=\"#0b0c0c\">none</text>",
                TOP + PLOT - 6.0
            ));
        }
        svg.push_str(&format!(
            "<text x=\"{centre}\" y=\"{}\" text-anchor=\"middle\" font-size=\"13\" fill=\"#0b0c0c\">{}</text>",
            TOP + PLOT + 20.0,
            xml_escape(&r.period)
        ));
    }
    svg.push_str("</svg>");
    svg
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_chart_is_an_image_with_the_table_numbers_in_its_description() {
        let rows = vec![
            FigureRow { period: "2026-01".into(), numerator: 1, denominator: 4, percent: Some(25.0) },
            FigureRow { period: "2026-02".into(), numerator: 0, denominator: 0, percent: None },
        ];
        let svg = chart("First appointment <on time> & more", &rows);
        assert!(svg.contains("role=\"img\""));
        assert!(svg.contains("<title id=\"chart-title\">First appointment &lt;on time&gt; &amp; more</title>"));
        assert!(svg.contains("2026-01: 25.0% (1 of 4); 2026-02: no cases"), "{svg}");
        assert_eq!(figures_csv(&rows), "period,numerator,denominator,percent\n2026-01,1,4,25.0\n2026-02,0,0,\n");
    }
}
