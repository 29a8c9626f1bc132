//! In-memory spatial indexes. [`PlaceIndex`] is an R-tree over place points; the commune
//! index lives with the communes (`crate::commune::CommuneIndex`).

mod distance;
mod place_index;

pub use distance::{degrees_envelope, geodesic_distance_m, haversine_distance_m};
pub use place_index::PlaceIndex;
