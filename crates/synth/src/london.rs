//! London: five areas, 32 boroughs and the City, 25 offices.
//!
//! The report (Figure 1, "London boroughs and the five areas within the CRC") groups the
//! boroughs into five areas but its map is not in the text we hold, so the grouping below is
//! geographic and illustrative. Boroughs without an office of their own are served by a
//! neighbour's (the City from Hackney; the report itself names "Camden & Islington").
//! Weights are each borough's relative share of the caseload (an assumption, roughly
//! population times deprivation); they decide where cases live and how officers are spread.

pub struct AreaRow {
    pub code: &'static str,
    pub name: &'static str,
}

pub struct BoroughRow {
    /// ONS-style three-letter short code.
    pub code: &'static str,
    pub name: &'static str,
    pub area: usize,
    /// The office that serves the borough.
    pub office: usize,
    pub weight: f64,
}

pub struct OfficeRow {
    pub code: &'static str,
    pub name: &'static str,
    /// The borough the office stands in, by code.
    pub borough: &'static str,
}

pub const AREAS: [AreaRow; 5] = [
    AreaRow { code: "LDN-NE", name: "North East London" },
    AreaRow { code: "LDN-N", name: "North London" },
    AreaRow { code: "LDN-W", name: "West London" },
    AreaRow { code: "LDN-SW", name: "South West London" },
    AreaRow { code: "LDN-SE", name: "South East London" },
];

pub const OFFICES: [OfficeRow; 25] = [
    OfficeRow { code: "HCK-OF", name: "Hackney", borough: "HCK" },
    OfficeRow { code: "TWH-OF", name: "Tower Hamlets", borough: "TWH" },
    OfficeRow { code: "NWM-OF", name: "Stratford", borough: "NWM" },
    OfficeRow { code: "BAR-OF", name: "Barking", borough: "BAR" },
    OfficeRow { code: "RDB-OF", name: "Ilford", borough: "RDB" },
    OfficeRow { code: "WFT-OF", name: "Walthamstow", borough: "WFT" },
    OfficeRow { code: "BRN-OF", name: "Barnet", borough: "BRN" },
    OfficeRow { code: "CMD-OF", name: "Camden and Islington", borough: "CMD" },
    OfficeRow { code: "ENF-OF", name: "Enfield", borough: "ENF" },
    OfficeRow { code: "HGY-OF", name: "Tottenham", borough: "HGY" },
    OfficeRow { code: "BRT-OF", name: "Willesden", borough: "BRT" },
    OfficeRow { code: "EAL-OF", name: "Ealing", borough: "EAL" },
    OfficeRow { code: "HMF-OF", name: "Hammersmith", borough: "HMF" },
    OfficeRow { code: "HIL-OF", name: "Uxbridge", borough: "HIL" },
    OfficeRow { code: "HNS-OF", name: "Hounslow", borough: "HNS" },
    OfficeRow { code: "WST-OF", name: "Westminster", borough: "WST" },
    OfficeRow { code: "CRY-OF", name: "Croydon", borough: "CRY" },
    OfficeRow { code: "KNG-OF", name: "Kingston", borough: "KNG" },
    OfficeRow { code: "STN-OF", name: "Sutton", borough: "STN" },
    OfficeRow { code: "WND-OF", name: "Wandsworth", borough: "WND" },
    OfficeRow { code: "BRM-OF", name: "Bromley", borough: "BRM" },
    OfficeRow { code: "GRE-OF", name: "Woolwich", borough: "GRE" },
    OfficeRow { code: "LBH-OF", name: "Brixton", borough: "LBH" },
    OfficeRow { code: "LEW-OF", name: "Lewisham", borough: "LEW" },
    OfficeRow { code: "SWK-OF", name: "Southwark", borough: "SWK" },
];

macro_rules! b {
    ($code:literal, $name:literal, $area:literal, $office:literal, $w:literal) => {
        BoroughRow { code: $code, name: $name, area: $area, office: $office, weight: $w }
    };
}

pub const BOROUGHS: [BoroughRow; 33] = [
    // North East
    b!("CTY", "City of London", 0, 0, 0.2),
    b!("HCK", "Hackney", 0, 0, 4.5),
    b!("TWH", "Tower Hamlets", 0, 1, 4.5),
    b!("NWM", "Newham", 0, 2, 5.0),
    b!("BAR", "Barking and Dagenham", 0, 3, 3.5),
    b!("HAV", "Havering", 0, 3, 2.5),
    b!("RDB", "Redbridge", 0, 4, 3.0),
    b!("WFT", "Waltham Forest", 0, 5, 3.5),
    // North
    b!("BRN", "Barnet", 1, 6, 3.0),
    b!("CMD", "Camden", 1, 7, 3.0),
    b!("ISL", "Islington", 1, 7, 3.5),
    b!("ENF", "Enfield", 1, 8, 4.0),
    b!("HGY", "Haringey", 1, 9, 4.0),
    // West
    b!("BRT", "Brent", 2, 10, 4.0),
    b!("HRW", "Harrow", 2, 10, 2.0),
    b!("EAL", "Ealing", 2, 11, 4.0),
    b!("HMF", "Hammersmith and Fulham", 2, 12, 2.5),
    b!("HIL", "Hillingdon", 2, 13, 3.0),
    b!("HNS", "Hounslow", 2, 14, 3.0),
    b!("WST", "Westminster", 2, 15, 3.0),
    b!("KEC", "Kensington and Chelsea", 2, 15, 1.5),
    // South West
    b!("CRY", "Croydon", 3, 16, 6.0),
    b!("KNG", "Kingston upon Thames", 3, 17, 1.5),
    b!("RCH", "Richmond upon Thames", 3, 17, 1.0),
    b!("STN", "Sutton", 3, 18, 2.0),
    b!("MRT", "Merton", 3, 18, 2.0),
    b!("WND", "Wandsworth", 3, 19, 3.5),
    // South East
    b!("BRM", "Bromley", 4, 20, 3.0),
    b!("BXY", "Bexley", 4, 20, 2.5),
    b!("GRE", "Greenwich", 4, 21, 4.0),
    b!("LBH", "Lambeth", 4, 22, 5.0),
    b!("LEW", "Lewisham", 4, 23, 4.5),
    b!("SWK", "Southwark", 4, 24, 5.0),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_office_stands_in_a_borough_it_serves_and_every_office_serves_one() {
        for (i, o) in OFFICES.iter().enumerate() {
            let b = BOROUGHS.iter().find(|b| b.code == o.borough).expect("office borough exists");
            assert_eq!(b.office, i, "{} stands in {} but that borough is served elsewhere", o.code, b.code);
        }
        for b in &BOROUGHS {
            assert!(b.office < OFFICES.len() && b.area < AREAS.len());
            let home = BOROUGHS.iter().find(|x| x.code == OFFICES[b.office].borough).expect("exists");
            assert_eq!(home.area, b.area, "{} is served from another area", b.code);
        }
    }
}
