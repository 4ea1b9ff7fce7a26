//! The query parameters the API takes, checked strictly: a list takes `page` and `per_page`,
//! an entry takes none. Anything else — an unknown or repeated parameter, a value that is not
//! a whole number in range — is a 400 that says what is wrong, so a typo (`perpage=10`) is
//! never silently ignored.

use serde::Deserialize;
use utoipa::IntoParams;

use super::problem::Problem;
use crate::db::api::Window;

/// How many entries a page holds unless `per_page` says otherwise.
pub const DEFAULT_PER_PAGE: i64 = 50;

/// The most entries a page may hold.
pub const MAX_PER_PAGE: i64 = 100;

/// The highest page number accepted (far beyond any list's last page).
pub const MAX_PAGE: i64 = 1_000_000;

/// The query parameters of a list, as the OpenAPI document describes them (the handlers
/// read them with [`ListParams::parse`], which also refuses unknown ones).
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListQuery {
    /// The page to show, from 1 (the default). A page past the last is 404.
    #[param(minimum = 1, maximum = 1_000_000)]
    pub page: Option<i64>,
    /// How many entries a page holds: 1 to 100, 50 by default.
    #[param(minimum = 1, maximum = 100)]
    pub per_page: Option<i64>,
}

/// A list's page and page size, checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ListParams {
    page: i64,
    per_page: Option<i64>,
}

impl ListParams {
    /// Read `page` and `per_page` from a query string (`None`: there is none).
    pub fn parse(query: Option<&str>) -> Result<Self, Problem> {
        let mut page = None;
        let mut per_page = None;
        for (name, value) in form_urlencoded::parse(query.unwrap_or_default().as_bytes()) {
            let (slot, max) = match &*name {
                "page" => (&mut page, MAX_PAGE),
                "per_page" => (&mut per_page, MAX_PER_PAGE),
                _ => {
                    return Err(Problem::bad_request(format!(
                        "Unknown query parameter {name:?}: a list takes only page and per_page."
                    )));
                }
            };
            if slot.is_some() {
                return Err(Problem::bad_request(format!(
                    "The query parameter {name} is given more than once."
                )));
            }
            *slot = Some(whole_number(&name, &value, max)?);
        }
        Ok(Self {
            page: page.unwrap_or(1),
            per_page,
        })
    }

    /// The page asked for (from 1).
    pub fn page(&self) -> i64 {
        self.page
    }

    /// How many entries a page holds.
    pub fn per_page(&self) -> i64 {
        self.per_page.unwrap_or(DEFAULT_PER_PAGE)
    }

    /// The page size, when the request named one (links keep it).
    pub fn explicit_per_page(&self) -> Option<i64> {
        self.per_page
    }

    /// The entries this page reads.
    pub fn window(&self) -> Window {
        Window {
            limit: self.per_page(),
            offset: (self.page - 1).saturating_mul(self.per_page()),
        }
    }

    /// How many pages a list of `total` entries fills (at least one, which may be empty).
    pub fn pages(&self, total: i64) -> i64 {
        let per_page = self.per_page();
        ((total.max(0) + per_page - 1) / per_page).max(1)
    }
}

/// `value` of the parameter `name` as a whole number from 1 to `max`.
fn whole_number(name: &str, value: &str, max: i64) -> Result<i64, Problem> {
    value
        .parse::<i64>()
        .ok()
        .filter(|n| (1..=max).contains(n))
        .ok_or_else(|| {
            Problem::bad_request(format!(
                "The query parameter {name} must be a whole number from 1 to {max}, not {value:?}."
            ))
        })
}

/// Refuse any query parameter: an entry takes none.
pub fn none(query: Option<&str>) -> Result<(), Problem> {
    match form_urlencoded::parse(query.unwrap_or_default().as_bytes()).next() {
        None => Ok(()),
        Some((name, _)) => Err(Problem::bad_request(format!(
            "Unknown query parameter {name:?}: this address takes no query parameters."
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_take_a_page_and_a_page_size_in_range() {
        let parsed = ListParams::parse(Some("page=3&per_page=10")).unwrap();
        assert_eq!((parsed.page(), parsed.per_page()), (3, 10));
        assert_eq!(
            parsed.window(),
            Window {
                limit: 10,
                offset: 20
            }
        );
        let default = ListParams::parse(None).unwrap();
        assert_eq!((default.page(), default.per_page()), (1, DEFAULT_PER_PAGE));
        assert_eq!(default.explicit_per_page(), None);
        assert_eq!(default.pages(0), 1);
        assert_eq!(default.pages(101), 3);
        assert!(ListParams::parse(Some("")).is_ok());
        for bad in [
            "page=0",
            "page=-1",
            "page=abc",
            "page=",
            "page=1.5",
            "page=1000001",
            "page=99999999999999999999",
            "per_page=0",
            "per_page=101",
            "page=1&page=2",
            "perpage=10",
            "q=x",
        ] {
            let problem = ListParams::parse(Some(bad)).unwrap_err();
            assert_eq!(problem.status, 400, "{bad}");
        }
        assert!(none(None).is_ok() && none(Some("")).is_ok());
        assert_eq!(none(Some("page=1")).unwrap_err().status, 400);
    }
}
