//! Colour arithmetic for the palette: sRGB hex colours, CIELAB (D65), the CIEDE2000 colour
//! difference (Sharma, Wu and Dalal, "The CIEDE2000 color-difference formula", 2005) and
//! WCAG 2 contrast ratios.

/// An sRGB colour, 8 bits a channel.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rgb(pub u8, pub u8, pub u8);

/// A CIELAB colour (D65 white).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Lab {
    /// Lightness, 0 to 100.
    pub l: f64,
    /// Green (negative) to red (positive).
    pub a: f64,
    /// Blue (negative) to yellow (positive).
    pub b: f64,
}

impl Rgb {
    /// White.
    pub const WHITE: Rgb = Rgb(255, 255, 255);

    /// Parses `#rrggbb`.
    pub fn from_hex(hex: &str) -> Option<Rgb> {
        let h = hex.strip_prefix('#')?;
        if h.len() != 6 || !h.is_ascii() {
            return None;
        }
        let c = |i: usize| u8::from_str_radix(&h[i..i + 2], 16).ok();
        Some(Rgb(c(0)?, c(2)?, c(4)?))
    }

    /// `#rrggbb`.
    pub fn to_hex(self) -> String {
        format!("#{:02x}{:02x}{:02x}", self.0, self.1, self.2)
    }

    /// This colour at `alpha` (0 to 1) over white, as a browser's `color-mix` gives it.
    pub fn over_white(self, alpha: f64) -> Rgb {
        let mix = |c: u8| (alpha * f64::from(c) + (1.0 - alpha) * 255.0).round().clamp(0.0, 255.0) as u8;
        Rgb(mix(self.0), mix(self.1), mix(self.2))
    }

    fn linear(self) -> [f64; 3] {
        let lin = |c: u8| {
            let c = f64::from(c) / 255.0;
            if c <= 0.04045 { c / 12.92 } else { ((c + 0.055) / 1.055).powf(2.4) }
        };
        [lin(self.0), lin(self.1), lin(self.2)]
    }

    /// WCAG 2 relative luminance.
    pub fn luminance(self) -> f64 {
        let [r, g, b] = self.linear();
        0.2126 * r + 0.7152 * g + 0.0722 * b
    }

    /// WCAG 2 contrast ratio with another colour (1 to 21; AA asks 4.5 for text).
    pub fn contrast(self, other: Rgb) -> f64 {
        let (x, y) = (self.luminance(), other.luminance());
        (x.max(y) + 0.05) / (x.min(y) + 0.05)
    }

    /// The colour in CIELAB.
    pub fn lab(self) -> Lab {
        let [r, g, b] = self.linear();
        let x = (0.412_456_4 * r + 0.357_576_1 * g + 0.180_437_5 * b) / 0.950_47;
        let y = 0.212_672_9 * r + 0.715_152_2 * g + 0.072_175 * b;
        let z = (0.019_333_9 * r + 0.119_192 * g + 0.950_304_1 * b) / 1.088_83;
        let f = |t: f64| if t > 216.0 / 24389.0 { t.cbrt() } else { (24389.0 / 27.0 * t + 16.0) / 116.0 };
        let (fx, fy, fz) = (f(x), f(y), f(z));
        Lab { l: 116.0 * fy - 16.0, a: 500.0 * (fx - fy), b: 200.0 * (fy - fz) }
    }
}

/// A hue angle in degrees, 0 to 360 (0 for a neutral colour).
fn hue(b: f64, a: f64) -> f64 {
    if a == 0.0 && b == 0.0 { 0.0 } else { b.atan2(a).to_degrees().rem_euclid(360.0) }
}

/// The CIEDE2000 difference between two colours (kL = kC = kH = 1).
pub fn ciede2000(x: Lab, y: Lab) -> f64 {
    let pow7 = |v: f64| v.powi(7);
    let c_bar = (x.a.hypot(x.b) + y.a.hypot(y.b)) / 2.0;
    let g = 0.5 * (1.0 - (pow7(c_bar) / (pow7(c_bar) + pow7(25.0))).sqrt());
    let (a1, a2) = ((1.0 + g) * x.a, (1.0 + g) * y.a);
    let (c1, c2) = (a1.hypot(x.b), a2.hypot(y.b));
    let (h1, h2) = (hue(x.b, a1), hue(y.b, a2));
    let neutral = c1 * c2 == 0.0;
    let dh = if neutral {
        0.0
    } else if (h2 - h1).abs() <= 180.0 {
        h2 - h1
    } else if h2 - h1 > 180.0 {
        h2 - h1 - 360.0
    } else {
        h2 - h1 + 360.0
    };
    let d_l = y.l - x.l;
    let d_c = c2 - c1;
    let d_h = 2.0 * (c1 * c2).sqrt() * (dh / 2.0).to_radians().sin();
    let l_bar = (x.l + y.l) / 2.0;
    let c_bar_p = (c1 + c2) / 2.0;
    let h_bar = if neutral {
        h1 + h2
    } else if (h1 - h2).abs() <= 180.0 {
        (h1 + h2) / 2.0
    } else if h1 + h2 < 360.0 {
        (h1 + h2 + 360.0) / 2.0
    } else {
        (h1 + h2 - 360.0) / 2.0
    };
    let cos = |deg: f64| deg.to_radians().cos();
    let t = 1.0 - 0.17 * cos(h_bar - 30.0) + 0.24 * cos(2.0 * h_bar) + 0.32 * cos(3.0 * h_bar + 6.0) - 0.20 * cos(4.0 * h_bar - 63.0);
    let d_theta = 30.0 * (-((h_bar - 275.0) / 25.0).powi(2)).exp();
    let r_c = 2.0 * (pow7(c_bar_p) / (pow7(c_bar_p) + pow7(25.0))).sqrt();
    let s_l = 1.0 + 0.015 * (l_bar - 50.0).powi(2) / (20.0 + (l_bar - 50.0).powi(2)).sqrt();
    let s_c = 1.0 + 0.045 * c_bar_p;
    let s_h = 1.0 + 0.015 * c_bar_p * t;
    let r_t = -(2.0 * d_theta).to_radians().sin() * r_c;
    let (l, c, h) = (d_l / s_l, d_c / s_c, d_h / s_h);
    (l * l + c * c + h * h + r_t * c * h).sqrt()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lab(l: f64, a: f64, b: f64) -> Lab {
        Lab { l, a, b }
    }

    /// The formula gives the published results of Sharma, Wu and Dalal's test data (pairs
    /// 1–4, 7, 9, 11, 17–21, 25, 26, 34), to their four decimals, both ways round.
    #[test]
    fn ciede2000_matches_the_published_test_pairs() {
        let pairs = [
            (lab(50.0, 2.6772, -79.7751), lab(50.0, 0.0, -82.7485), 2.0425),
            (lab(50.0, 3.1571, -77.2803), lab(50.0, 0.0, -82.7485), 2.8615),
            (lab(50.0, 2.8361, -74.0200), lab(50.0, 0.0, -82.7485), 3.4412),
            (lab(50.0, -1.3802, -84.2814), lab(50.0, 0.0, -82.7485), 1.0000),
            (lab(50.0, 0.0, 0.0), lab(50.0, -1.0, 2.0), 2.3669),
            (lab(50.0, 2.4900, -0.0010), lab(50.0, -2.4900, 0.0009), 7.1792),
            (lab(50.0, 2.4900, -0.0010), lab(50.0, -2.4900, 0.0011), 7.2195),
            (lab(50.0, 2.5, 0.0), lab(73.0, 25.0, -18.0), 27.1492),
            (lab(50.0, 2.5, 0.0), lab(61.0, -5.0, 29.0), 22.8977),
            (lab(50.0, 2.5, 0.0), lab(56.0, -27.0, -3.0), 31.9030),
            (lab(50.0, 2.5, 0.0), lab(58.0, 24.0, 15.0), 19.4535),
            (lab(50.0, 2.5, 0.0), lab(50.0, 3.1736, 0.5854), 1.0000),
            (lab(60.2574, -34.0099, 36.2677), lab(60.4626, -34.1751, 39.4387), 1.2644),
            (lab(63.0109, -31.0961, -5.8663), lab(62.8187, -29.7946, -4.0864), 1.2630),
            (lab(2.0776, 0.0795, -1.1350), lab(0.9033, -0.0636, -0.5514), 0.9082),
        ];
        for (x, y, expected) in pairs {
            for d in [ciede2000(x, y), ciede2000(y, x)] {
                assert!((d - expected).abs() < 5e-5, "{x:?} {y:?}: {d:.4}, published {expected}");
            }
        }
    }

    /// sRGB to CIELAB and WCAG contrast agree with reference values (white L* 100, the
    /// WCAG ratios of black and of #777 on white).
    #[test]
    fn lab_and_contrast_match_reference_values() {
        let white = Rgb::WHITE.lab();
        assert!((white.l - 100.0).abs() < 1e-3 && white.a.abs() < 1e-3 && white.b.abs() < 1e-3);
        let red = Rgb(255, 0, 0).lab();
        assert!((red.l - 53.24).abs() < 0.01 && (red.a - 80.09).abs() < 0.01 && (red.b - 67.20).abs() < 0.01, "{red:?}");
        assert!((Rgb(0, 0, 0).contrast(Rgb::WHITE) - 21.0).abs() < 1e-9);
        assert!((Rgb(0x77, 0x77, 0x77).contrast(Rgb::WHITE) - 4.48).abs() < 0.01);
        assert_eq!(Rgb::from_hex("#0b5fa5"), Some(Rgb(0x0b, 0x5f, 0xa5)));
        assert_eq!(Rgb::from_hex("0b5fa5"), None);
        assert_eq!(Rgb(0x0b, 0x5f, 0xa5).to_hex(), "#0b5fa5");
        assert_eq!(Rgb(0, 0, 0).over_white(0.5), Rgb(128, 128, 128));
    }
}
