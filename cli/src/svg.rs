//! Telegram's statistics graphs (JSON: `columns`, `types`, `names`) as SVG line
//! charts, drawn with `plotters`.

use std::path::Path;

use plotters::prelude::*;

/// A graph's series, ready to draw.
pub struct Chart {
    title: String,
    /// x values (Unix milliseconds).
    xs: Vec<i64>,
    /// (name, values) per line.
    series: Vec<(String, Vec<f64>)>,
}

impl Chart {
    /// Reads Telegram's graph JSON; `None` if it is not that shape.
    pub fn from_json(name: &str, json: &str) -> Option<Self> {
        let v: serde_json::Value = serde_json::from_str(json).ok()?;
        let columns = v["columns"].as_array()?;
        let mut xs = Vec::new();
        let mut series = Vec::new();
        for c in columns {
            let c = c.as_array()?;
            let key = c.first()?.as_str()?;
            if v["types"][key] == "x" {
                xs = c[1..]
                    .iter()
                    .filter_map(serde_json::Value::as_i64)
                    .collect();
            } else {
                let label = v["names"][key].as_str().unwrap_or(key).to_owned();
                let ys = c[1..]
                    .iter()
                    .filter_map(serde_json::Value::as_f64)
                    .collect();
                series.push((label, ys));
            }
        }
        let title = v["title"]
            .as_str()
            .filter(|t| !t.is_empty())
            .unwrap_or(name)
            .to_owned();
        Some(Self { title, xs, series })
    }

    /// Nothing to draw.
    pub fn is_empty(&self) -> bool {
        self.xs.len() < 2 || self.series.iter().all(|(_, ys)| ys.is_empty())
    }

    /// Writes the chart as an SVG file.
    pub fn draw(&self, path: &Path) -> Result<(), Box<dyn std::error::Error>> {
        let root = SVGBackend::new(path, (900, 420)).into_drawing_area();
        root.fill(&WHITE)?;
        let (x0, x1) = (
            *self.xs.iter().min().unwrap_or(&0),
            *self.xs.iter().max().unwrap_or(&1),
        );
        let y1 = self
            .series
            .iter()
            .flat_map(|(_, ys)| ys.iter().copied())
            .fold(0.0f64, f64::max)
            .max(1.0);
        let mut chart = ChartBuilder::on(&root)
            .caption(&self.title, ("sans-serif", 22))
            .margin(12)
            .x_label_area_size(32)
            .y_label_area_size(60)
            .build_cartesian_2d(x0..x1.max(x0 + 1), 0.0..y1 * 1.05)?;
        chart
            .configure_mesh()
            .x_labels(6)
            .x_label_formatter(&|ms| {
                crate::output::unix((ms / 1000) as i32)
                    .get(..10)
                    .unwrap_or("")
                    .to_owned()
            })
            .draw()?;
        for (i, (name, ys)) in self.series.iter().enumerate() {
            let color = Palette99::pick(i).to_rgba();
            chart
                .draw_series(LineSeries::new(
                    self.xs.iter().copied().zip(ys.iter().copied()),
                    color.stroke_width(2),
                ))?
                .label(name.clone())
                .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 18, y)], color));
        }
        chart
            .configure_series_labels()
            .background_style(WHITE.mix(0.8))
            .border_style(BLACK)
            .draw()?;
        root.present()?;
        Ok(())
    }
}
