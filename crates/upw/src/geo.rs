//! Points on the Earth. Its own module, below both `project` (a meeting point's location) and
//! `travel` (journeys between points).

use serde::{Deserialize, Serialize};

use domain::ids::InvalidValue;

/// A point by latitude and longitude (WGS84 degrees).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct LatLong {
    pub lat: f64,
    pub long: f64,
}

impl LatLong {
    pub fn new(lat: f64, long: f64) -> Result<LatLong, InvalidValue> {
        if !(lat.is_finite() && (-90.0..=90.0).contains(&lat)) {
            return Err(InvalidValue::new("latitude", format!("{lat} is not a latitude (-90 to 90)")));
        }
        if !(long.is_finite() && (-180.0..=180.0).contains(&long)) {
            return Err(InvalidValue::new("longitude", format!("{long} is not a longitude (-180 to 180)")));
        }
        Ok(LatLong { lat, long })
    }

    /// Great-circle distance in kilometres (haversine, mean Earth radius 6,371 km).
    pub fn distance_km(self, other: LatLong) -> f64 {
        let (p1, p2) = (self.lat.to_radians(), other.lat.to_radians());
        let dp = p2 - p1;
        let dl = (other.long - self.long).to_radians();
        let a = (dp / 2.0).sin().powi(2) + p1.cos() * p2.cos() * (dl / 2.0).sin().powi(2);
        2.0 * 6371.0 * a.sqrt().min(1.0).asin()
    }
}
