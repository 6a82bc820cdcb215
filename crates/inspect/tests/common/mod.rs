//! Helpers to write long lists row by row in tests.
#![allow(dead_code)]

use inspect::longlist::COLUMNS;

/// One long-list row with sensible defaults: an eligible male community low-RoSH case.
#[derive(Clone, Debug)]
pub struct Row {
    pub crn: String,
    pub pnc: String,
    pub first_name: String,
    pub family_name: String,
    pub dob: String,
    pub gender: String,
    pub sentence_type: String,
    pub rosh: String,
    pub start_date: String,
    pub cluster: String,
    pub ldu: String,
    pub officer: String,
    pub ethnicity: String,
    pub office: String,
}

pub fn row(n: usize) -> Row {
    Row {
        crn: format!("X{n:06}"),
        pnc: format!("2010/{n:07}A"),
        first_name: format!("First{n}"),
        family_name: format!("Family{n}"),
        dob: "1990-01-01".into(),
        gender: "M".into(),
        sentence_type: "community".into(),
        rosh: "low".into(),
        start_date: "2017-01-10".into(),
        cluster: "North".into(),
        ldu: "Barnet".into(),
        officer: format!("Officer {n}"),
        ethnicity: "White".into(),
        office: "Barnet office".into(),
    }
}

impl Row {
    pub fn with(mut self, f: impl FnOnce(&mut Row)) -> Row {
        f(&mut self);
        self
    }
    pub fn female(self) -> Row {
        self.with(|r| r.gender = "F".into())
    }
    pub fn post_custody(self) -> Row {
        self.with(|r| r.sentence_type = "post_custody".into())
    }
    pub fn rosh(self, rosh: &str) -> Row {
        self.with(|r| r.rosh = rosh.into())
    }
    pub fn officer(self, cluster: &str, ldu: &str, officer: &str) -> Row {
        self.with(|r| {
            r.cluster = cluster.into();
            r.ldu = ldu.into();
            r.officer = officer.into();
        })
    }
}

pub fn csv(rows: &[Row]) -> String {
    let mut out = COLUMNS.join(",");
    out.push('\n');
    for r in rows {
        out.push_str(&format!(
            "{},{},{},{},{},{},{},{},{},,{},{},{} team,{},{},{}\n",
            r.crn,
            r.pnc,
            r.first_name,
            r.family_name,
            r.dob,
            r.gender,
            r.sentence_type,
            r.rosh,
            r.start_date,
            r.cluster,
            r.ldu,
            r.ldu,
            r.officer,
            r.ethnicity,
            r.office
        ));
    }
    out
}
