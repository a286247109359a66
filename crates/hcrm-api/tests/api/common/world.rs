//! The usual scene of a scoping test: an admin, two institutions (`BJ01`, local, and `SH01`)
//! and staff in them, each signed in. Test modules name the staff they need.

use std::collections::BTreeMap;

use serde_json::Value;

use super::Srv;

/// Which of the two institutions a staff member works in.
#[derive(Clone, Copy)]
pub enum At {
    A,
    B,
}

/// The password of every staff member made here.
pub const STAFF_PASSWORD: &str = "Passw0rd-x";

pub struct TwoInstitutions {
    pub admin: String,
    pub inst_a: Value,
    pub inst_b: Value,
    /// username → (access token, user id)
    staff: BTreeMap<&'static str, (String, String)>,
}

impl TwoInstitutions {
    /// Makes the institutions and `staff` (`username`, role, institution), and signs each in.
    pub fn new(srv: &Srv, staff: &[(&'static str, &str, At)]) -> TwoInstitutions {
        let admin = srv.admin();
        let inst_a = srv.institution(&admin, "BJ01", true);
        let inst_b = srv.institution(&admin, "SH01", false);
        let mut signed_in = BTreeMap::new();
        for &(name, role, at) in staff {
            let inst = match at {
                At::A => &inst_a,
                At::B => &inst_b,
            };
            let id = srv.user(&admin, name, &[role], inst)["id"]
                .as_str()
                .unwrap()
                .to_string();
            signed_in.insert(name, (srv.login(name, STAFF_PASSWORD), id));
        }
        TwoInstitutions {
            admin,
            inst_a,
            inst_b,
            staff: signed_in,
        }
    }

    /// The access token of `username`.
    pub fn token(&self, username: &str) -> String {
        self.staff[username].0.clone()
    }

    /// The user id of `username`.
    pub fn id(&self, username: &str) -> String {
        self.staff[username].1.clone()
    }
}
