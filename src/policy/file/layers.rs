//! The `[layers]` table: a cap per layer, and a total the caps must add up to.

use super::errors::Errors;
use super::LayersFile;
use crate::policy::{format_points, Layer, MilliPoints};

/// The cap of each layer, indexed like [`Layer::ALL`]; a `total` is checked against them.
pub(super) fn check(e: &mut Errors, layers: &LayersFile) -> [Option<MilliPoints>; 3] {
    let caps = [&layers.provincial, &layers.city, &layers.district];
    let mut layer_caps = [None; 3];
    for (slot, (cap, layer)) in layer_caps.iter_mut().zip(caps.into_iter().zip(Layer::ALL)) {
        if let Some(c) = cap {
            *slot = e.points(c, &format!("layers.{}", layer.name()));
        }
    }
    if let Some(total) = &layers.total {
        match (e.points(total, "layers.total"), layer_caps) {
            (Some(t), [Some(a), Some(b), Some(c)]) if a + b + c != t => e.at(
                total.span(),
                "layers.total",
                format!(
                    "the layer caps add up to {} (provincial {} + city {} + district {}), not {}",
                    format_points(a + b + c),
                    format_points(a),
                    format_points(b),
                    format_points(c),
                    format_points(t)
                ),
            ),
            (Some(_), [Some(_), Some(_), Some(_)]) | (None, _) => {}
            (Some(_), _) => e.at(
                total.span(),
                "layers.total",
                "a total needs a cap for every layer (provincial, city, district)".into(),
            ),
        }
    }
    layer_caps
}
