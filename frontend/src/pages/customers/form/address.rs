//! The address picker (issue 9 item 7): province, city and district chosen from the GB/T 2260
//! table hcrm-domain ships (the API checks addresses against the same table); a value stored
//! before that is not in the table stays choosable as it is, until changed.

use hcrm_domain::customer::division::divisions;
use web_sys::HtmlSelectElement;
use yew::prelude::*;

use crate::components::field::FieldErrorLine;
use crate::hooks::use_lang;
use crate::i18n::tr;

/// Province, city, district as chosen ("" for none).
#[derive(Clone, PartialEq, Default)]
pub(super) struct Place {
    pub province: String,
    pub city: String,
    pub district: String,
}

#[derive(Properties, PartialEq)]
pub(super) struct AddressPickerProps {
    pub value: Place,
    pub onchange: Callback<Place>,
    #[prop_or_default]
    pub error: Option<String>,
}

/// The cities of a province and the districts of a city, in table order.
fn cities_of(province: &str) -> Vec<&'static str> {
    divisions()
        .iter()
        .filter(|p| p.name == province)
        .flat_map(|p| p.cities.iter().map(|c| c.name))
        .collect()
}

fn districts_of(province: &str, city: &str) -> Vec<&'static str> {
    divisions()
        .iter()
        .filter(|p| p.name == province)
        .flat_map(|p| p.cities.iter())
        .filter(|c| c.name == city)
        .flat_map(|c| c.districts.iter().copied())
        .collect()
}

/// A choice made at one level: the levels below start over (a municipality's one city is
/// chosen with it).
pub(super) fn choose(old: &Place, level: usize, value: String) -> Place {
    match level {
        0 => {
            let cities = cities_of(&value);
            let city = match cities.as_slice() {
                [only] => only.to_string(),
                _ => String::new(),
            };
            Place {
                province: value,
                city,
                district: String::new(),
            }
        }
        1 => Place {
            province: old.province.clone(),
            city: value,
            district: String::new(),
        },
        _ => Place {
            district: value,
            ..old.clone()
        },
    }
}

#[component]
pub(super) fn AddressPicker(props: &AddressPickerProps) -> Html {
    let lang = use_lang();
    let v = &props.value;
    let select = |level: usize| {
        let (old, onchange) = (v.clone(), props.onchange.clone());
        Callback::from(move |e: Event| {
            let s: HtmlSelectElement = e.target_unchecked_into();
            onchange.emit(choose(&old, level, s.value()));
        })
    };
    let options = |list: Vec<&'static str>, current: &str| {
        let unknown = !current.is_empty() && !list.contains(&current);
        html! {
            <>
                <option value="" selected={current.is_empty()}>{ "—" }</option>
                { for list.iter().map(|name| html! {
                    <option value={*name} selected={*name == current}>{ *name }</option>
                }) }
                if unknown {
                    <option value={current.to_string()} selected=true>{ current.to_string() }</option>
                }
            </>
        }
    };
    let provinces: Vec<&'static str> = divisions().iter().map(|p| p.name).collect();
    let bad = props.error.is_some().then_some("true");
    html! {
        <>
            <div class={classes!("field", props.error.is_some().then_some("has-error"))}>
                <label for="customer-province">{ tr(lang, "customer.province") }</label>
                <select id="customer-province" onchange={select(0)} aria-invalid={bad}>
                    { options(provinces, &v.province) }
                </select>
                <FieldErrorLine error={props.error.clone()} />
            </div>
            <div class="field">
                <label for="customer-city">{ tr(lang, "customer.city") }</label>
                <select id="customer-city" onchange={select(1)} disabled={v.province.is_empty() && v.city.is_empty()}>
                    { options(cities_of(&v.province), &v.city) }
                </select>
            </div>
            <div class="field">
                <label for="customer-district">{ tr(lang, "customer.district") }</label>
                <select id="customer-district" onchange={select(2)} disabled={v.city.is_empty() && v.district.is_empty()}>
                    { options(districts_of(&v.province, &v.city), &v.district) }
                </select>
            </div>
        </>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_choice_starts_the_levels_below_over() {
        let beijing = choose(&Place::default(), 0, "北京市".into());
        assert_eq!(
            (beijing.city.as_str(), beijing.district.as_str()),
            ("北京市", "")
        );
        let chaoyang = choose(&beijing, 2, "朝阳区".into());
        assert_eq!(chaoyang.district, "朝阳区");
        let guangdong = choose(&chaoyang, 0, "广东省".into());
        assert_eq!(
            (guangdong.city.as_str(), guangdong.district.as_str()),
            ("", "")
        );
        let guangzhou = choose(&guangdong, 1, "广州市".into());
        assert!(districts_of(&guangzhou.province, &guangzhou.city).contains(&"天河区"));
    }
}
