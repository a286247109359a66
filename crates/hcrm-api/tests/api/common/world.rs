//! The usual scene of a scoping test: an admin, two institutions (`BJ01`, local, and `SH01`)
//! and staff in them, each signed in. Test modules name the staff they need.

use std::collections::BTreeMap;

use serde_json::{Value, json};

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

/// A doctor to make with [`department_with_doctor`]: 李建国, 主任医师, of 心内科, with no
/// specialties and no weekly schedule unless a test needs them.
pub struct Doctor<'a> {
    /// The department's name.
    pub department: &'a str,
    /// The department's phone, when a test reads it.
    pub department_phone: Option<&'a str>,
    pub name: &'a str,
    pub title: &'a str,
    pub specialties: &'a [&'a str],
    /// The weekly schedule (`[{weekday, half_day, capacity}]`).
    pub schedule: Value,
}

impl Default for Doctor<'_> {
    fn default() -> Self {
        Doctor {
            department: "心内科",
            department_phone: None,
            name: "李建国",
            title: "主任医师",
            specialties: &[],
            schedule: Value::Array(Vec::new()),
        }
    }
}

/// A department and its doctor, as the API answered their creation.
pub struct Clinic {
    pub department: Value,
    pub doctor: Value,
}

impl Clinic {
    pub fn department_id(&self) -> String {
        self.department["id"].as_str().unwrap().to_string()
    }

    pub fn doctor_id(&self) -> String {
        self.doctor["id"].as_str().unwrap().to_string()
    }
}

/// Makes a department of the institution `institution_id` named `name`, as the admin `admin`.
pub fn department(srv: &Srv, admin: &str, institution_id: &Value, name: &str) -> Value {
    department_with_phone(srv, admin, institution_id, name, None)
}

fn department_with_phone(
    srv: &Srv,
    admin: &str,
    institution_id: &Value,
    name: &str,
    phone: Option<&str>,
) -> Value {
    let mut body = json!({"institution_id": institution_id, "name": name});
    if let Some(phone) = phone {
        body["phone"] = json!(phone);
    }
    srv.post("/api/v1/departments", admin, body).ok(201).clone()
}

/// Makes the department of `doctor` in the institution `institution_id` and the doctor in
/// it, as the admin `admin`.
pub fn department_with_doctor(
    srv: &Srv,
    admin: &str,
    institution_id: &Value,
    doctor: Doctor,
) -> Clinic {
    let department = department_with_phone(
        srv,
        admin,
        institution_id,
        doctor.department,
        doctor.department_phone,
    );
    let doctor = srv
        .post(
            "/api/v1/doctors",
            admin,
            json!({"department_id": department["id"], "name": doctor.name, "title": doctor.title,
                   "specialties": doctor.specialties, "schedule": doctor.schedule}),
        )
        .ok(201)
        .clone();
    Clinic { department, doctor }
}

impl TwoInstitutions {
    /// The institution `at`.
    pub fn institution(&self, at: At) -> &Value {
        match at {
            At::A => &self.inst_a,
            At::B => &self.inst_b,
        }
    }

    /// A department named `name` of the institution `at`.
    pub fn department(&self, srv: &Srv, at: At, name: &str) -> Value {
        department(srv, &self.admin, &self.institution(at)["id"], name)
    }

    /// `doctor` and their department in the institution `at`.
    pub fn department_with_doctor(&self, srv: &Srv, at: At, doctor: Doctor) -> Clinic {
        department_with_doctor(srv, &self.admin, &self.institution(at)["id"], doctor)
    }
}
