//! 行政区划 — the provinces, cities and districts of the Chinese mainland (GB/T 2260), shipped
//! in `data/divisions.tsv` (source and licence in its header), for the address picker of the
//! web app and the address check of the API (CUS-4, issue 9 item 7).

use std::sync::OnceLock;

use serde::Serialize;

const DATA: &str = include_str!("../../data/divisions.tsv");

/// A province-level division (省、自治区、直辖市) and its cities.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Province {
    /// The GB/T 2260 code (`11`).
    pub code: &'static str,
    pub name: &'static str,
    pub cities: Vec<City>,
}

/// A city-level division (a municipality is its own city: 北京市 / 北京市) and its districts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct City {
    pub code: &'static str,
    pub name: &'static str,
    /// District and county names (区、县、县级市); none for a county-level city directly under
    /// its province.
    pub districts: Vec<&'static str>,
}

/// The table, read once.
pub fn divisions() -> &'static [Province] {
    static TABLE: OnceLock<Vec<Province>> = OnceLock::new();
    TABLE.get_or_init(|| parse(DATA))
}

fn parse(data: &'static str) -> Vec<Province> {
    let mut out: Vec<Province> = Vec::new();
    for line in data
        .lines()
        .filter(|l| !l.starts_with('#') && !l.is_empty())
    {
        let mut parts = line.split('\t');
        let (Some(level), Some(code), Some(name)) = (parts.next(), parts.next(), parts.next())
        else {
            continue;
        };
        match level {
            "P" => out.push(Province {
                code,
                name,
                cities: Vec::new(),
            }),
            "C" => {
                if let Some(p) = out.last_mut() {
                    // A municipality's 市辖区 and 县 are one city.
                    if p.cities.last().is_none_or(|c| c.name != name) {
                        p.cities.push(City {
                            code,
                            name,
                            districts: Vec::new(),
                        });
                    }
                }
            }
            "D" => {
                if let Some(c) = out.last_mut().and_then(|p| p.cities.last_mut()) {
                    c.districts.push(name);
                }
            }
            _ => {}
        }
    }
    out
}

/// Why an address does not fit the table: the field (`province`, `city`, `district`) and the
/// code `division_unknown`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DivisionError {
    pub field: &'static str,
}

/// Suffixes a name may be written without (北京 for 北京市, 广西 for 广西壮族自治区): HIS
/// systems and spreadsheets often do.
const SUFFIXES: [&str; 10] = [
    "省",
    "市",
    "区",
    "县",
    "自治区",
    "壮族自治区",
    "回族自治区",
    "维吾尔自治区",
    "自治州",
    "地区",
];

/// `given` names the division `name`: the whole name, or the name without its suffix.
fn names(name: &str, given: &str) -> bool {
    name == given
        || name
            .strip_prefix(given)
            .is_some_and(|rest| SUFFIXES.contains(&rest))
}

/// Each level given must be in the table, under the level above when that is given (a city
/// without its province is checked against every city); a name may be written without its
/// suffix (北京, 朝阳). Blank levels are not checked.
pub fn check_address(
    province: Option<&str>,
    city: Option<&str>,
    district: Option<&str>,
) -> Result<(), DivisionError> {
    fn given(v: Option<&str>) -> Option<&str> {
        v.map(str::trim).filter(|v| !v.is_empty())
    }
    let (province, city, district) = (given(province), given(city), given(district));
    let table = divisions();
    let provinces: Vec<&Province> = match province {
        Some(name) => {
            let found: Vec<&Province> = table.iter().filter(|p| names(p.name, name)).collect();
            if found.is_empty() {
                return Err(DivisionError { field: "province" });
            }
            found
        }
        None => table.iter().collect(),
    };
    let cities: Vec<&City> = provinces
        .iter()
        .flat_map(|p| p.cities.iter())
        .filter(|c| city.is_none_or(|name| names(c.name, name)))
        .collect();
    if city.is_some() && cities.is_empty() {
        return Err(DivisionError { field: "city" });
    }
    if let Some(name) = district
        && !cities
            .iter()
            .any(|c| c.districts.iter().any(|d| names(d, name)))
    {
        return Err(DivisionError { field: "district" });
    }
    Ok(())
}

/// The GB/T 2260 code of the most specific level of an address, as six digits (`110105` for
/// 北京市 / 北京市 / 朝阳区, `110000` for 北京市 alone), read as [`check_address`] reads the
/// names (suffixes optional, each level under the one above when given); `None` when nothing
/// given is in the table. The FHIR Patient's address carries it (INT-4).
pub fn division_code(
    province: Option<&str>,
    city: Option<&str>,
    district: Option<&str>,
) -> Option<String> {
    fn given(v: Option<&str>) -> Option<&str> {
        v.map(str::trim).filter(|v| !v.is_empty())
    }
    let (province, city, district) = (given(province), given(city), given(district));
    let fits = |want: Option<&str>, name: &str| want.is_none_or(|w| names(name, w));
    let (mut in_province, mut in_city) = (false, false);
    let (mut province_code, mut city_code) = (None, None);
    for line in DATA.lines().filter(|l| !l.starts_with('#')) {
        let mut parts = line.split('\t');
        let (Some(level), Some(code), Some(name)) = (parts.next(), parts.next(), parts.next())
        else {
            continue;
        };
        match level {
            "P" => {
                in_province = province.is_some() && fits(province, name);
                if in_province && province_code.is_none() {
                    province_code = Some(code);
                }
                in_city = false;
            }
            "C" => {
                in_city = city.is_some() && fits(city, name) && (province.is_none() || in_province);
                if in_city && city_code.is_none() {
                    city_code = Some(code);
                }
            }
            "D" if district.is_some() && fits(district, name) => {
                let above = (city.is_none() || in_city) && (province.is_none() || in_province);
                if above {
                    return Some(code.to_string());
                }
            }
            _ => {}
        }
    }
    city_code
        .or(province_code)
        .map(|code| format!("{code:0<6}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_has_every_province_and_municipalities_are_their_own_city() {
        let t = divisions();
        assert_eq!(t.len(), 31);
        let beijing = &t[0];
        assert_eq!((beijing.code, beijing.name), ("11", "北京市"));
        assert_eq!(beijing.cities.len(), 1);
        assert_eq!(beijing.cities[0].name, "北京市");
        assert!(beijing.cities[0].districts.contains(&"朝阳区"));
        let chongqing = t.iter().find(|p| p.name == "重庆市").unwrap();
        assert_eq!(chongqing.cities.len(), 1, "市辖区 and 县 are one city");
        assert!(chongqing.cities[0].districts.contains(&"巫山县"));
        let cities: usize = t.iter().map(|p| p.cities.len()).sum();
        assert!(cities > 330, "{cities}");
    }

    #[test]
    fn division_codes_of_the_most_specific_level() {
        let code = |p, c, d| division_code(p, c, d);
        assert_eq!(
            code(Some("北京市"), Some("北京市"), Some("朝阳区")).as_deref(),
            Some("110105")
        );
        assert_eq!(
            code(Some("北京"), None, Some("朝阳")).as_deref(),
            Some("110105")
        );
        assert_eq!(
            code(Some("吉林省"), None, Some("朝阳区")).as_deref(),
            Some("220104")
        );
        assert_eq!(
            code(Some("辽宁省"), Some("朝阳市"), None).as_deref(),
            Some("211300")
        );
        assert_eq!(code(Some("北京市"), None, None).as_deref(), Some("110000"));
        assert_eq!(
            code(Some("重庆市"), Some("重庆市"), Some("巫山县")).as_deref(),
            Some("500237")
        );
        assert_eq!(code(Some("火星"), None, None), None);
        assert_eq!(code(None, None, None), None);
    }

    #[test]
    fn addresses_are_checked_level_by_level() {
        let ok = Ok(());
        let bad = |field| Err(DivisionError { field });
        // (province, city, district, result)
        let table = [
            (Some("北京市"), Some("北京市"), Some("朝阳区"), ok),
            (Some("上海市"), Some("上海市"), Some("浦东新区"), ok),
            (Some("广东省"), Some("广州市"), Some("天河区"), ok),
            (Some("广东省"), Some("东莞市"), None, ok),
            (None, Some("北京市"), None, ok),
            (None, None, Some("朝阳区"), ok),
            (Some(" "), None, None, ok),
            (None, None, None, ok),
            // Short forms.
            (Some("北京"), Some("北京"), Some("朝阳"), ok),
            (Some("广西"), Some("南宁"), None, ok),
            (Some("北"), None, None, bad("province")),
            (Some("北京省"), None, None, bad("province")),
            (Some("广东省"), Some("北京市"), None, bad("city")),
            (
                Some("北京市"),
                Some("北京市"),
                Some("天河区"),
                bad("district"),
            ),
            (None, Some("广州市"), Some("朝阳区"), bad("district")),
            (None, Some("火星市"), None, bad("city")),
        ];
        for (p, c, d, expected) in table {
            assert_eq!(check_address(p, c, d), expected, "{p:?} {c:?} {d:?}");
        }
    }
}
