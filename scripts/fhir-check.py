#!/usr/bin/env python3
# Part of scripts/fhir-check.sh: usage fhir-check.py BASE ADMIN_PASSWORD OUT_DIR
"""Makes one record of each kind through the JSON API, then saves the FHIR endpoint's real
answers (every resource type it emits, errors included) as OUT_DIR/<name>.json."""
import datetime, json, os, sys, urllib.error, urllib.request

base, password, out = sys.argv[1:4]
os.makedirs(out, exist_ok=True)


def call(method, path, token=None, body=None, headers=None, content_type="application/json"):
    data = None if body is None else (body if isinstance(body, bytes) else json.dumps(body).encode())
    req = urllib.request.Request(base + path, data=data, method=method)
    if data is not None:
        req.add_header("Content-Type", content_type)
    if token:
        req.add_header("Authorization", f"Bearer {token}")
    for k, v in (headers or {}).items():
        req.add_header(k, v)
    try:
        with urllib.request.urlopen(req) as res:
            return res.status, res.headers.get("Content-Type", ""), json.load(res)
    except urllib.error.HTTPError as e:
        return e.code, e.headers.get("Content-Type", ""), json.load(e)


def ok(status, _ct, body, want=(200, 201)):
    if status not in want:
        sys.exit(f"fhir-check: unexpected {status}: {body}")
    return body


def login(username, pw):
    return ok(*call("POST", "/api/v1/auth/login", body={"username": username, "password": pw}))["access_token"]


admin = login("admin", password)
inst = ok(*call("POST", "/api/v1/institutions", admin, {"code": "FC01", "name": "FHIR 校验医院", "city": "北京", "local": True}))
ok(*call("POST", "/api/v1/users", admin, {"username": "sup", "display_name": "主任", "password": password,
                                          "roles": ["supervisor"], "institution_ids": [inst["id"]]}))
his = ok(*call("POST", "/api/v1/users", admin, {"username": "his", "display_name": "HIS", "password": password,
                                                "roles": ["integration"], "institution_ids": [inst["id"]]}))
key = ok(*call("POST", f"/api/v1/users/{his['id']}/api-keys", admin, {"name": "HIS"}))["key"]
sup = login("sup", password)
dep = ok(*call("POST", "/api/v1/departments", admin, {"institution_id": inst["id"], "name": "心内科"}))
doc = ok(*call("POST", "/api/v1/doctors", admin, {"department_id": dep["id"], "name": "李建国", "title": "主任医师"}))
res = ok(*call("POST", "/api/v1/clinic-resources", admin, {"department_id": dep["id"], "name": "彩超室", "kind": "ultrasound"}))
patient = ok(*call("POST", "/api/v1/customers", sup, {
    "kind": "individual", "name": "欧阳建国", "id_type": "resident_id", "id_number": "11010519491231002X",
    "card_number": "C0001", "phones": ["13812345678", "13912345678"], "landline": "010-65432100",
    "email": "ouyang@example.com", "marital_status": "married",
    "address": {"province": "北京市", "city": "北京市", "district": "朝阳区", "street": "将台路2号"},
    "external_ids": [{"system": "his", "external_id": "P0001"}, {"system": "体检 系统", "external_id": "T1"}]}))
other = ok(*call("POST", "/api/v1/customers", sup, {"kind": "individual", "name": "Anna Li", "phones": ["13700000001"],
                                                    "gender": "female", "birth_date": "1990-01-02"}))
org = ok(*call("POST", "/api/v1/customers", sup, {"kind": "organization", "name": "星辰科技", "phones": ["13700000002"]}))
day = (datetime.date.today() + datetime.timedelta(days=2)).isoformat()
s1 = ok(*call("POST", "/api/v1/clinic-sessions", sup, {"doctor_id": doc["id"], "date": day, "half_day": "morning", "capacity": 5}))
s2 = ok(*call("POST", "/api/v1/clinic-sessions", sup, {"resource_id": res["id"], "date": day, "half_day": "evening", "capacity": 50}))
a1 = ok(*call("POST", "/api/v1/appointments", sup, {"customer_id": patient["id"], "session_id": s1["id"],
                                                    "kind": "expert_consultation", "note": "胸闷两周"}))
a2 = ok(*call("POST", "/api/v1/appointments", sup, {"customer_id": org["id"], "session_id": s2["id"],
                                                    "kind": "health_check", "places": 30}))
a3 = ok(*call("POST", "/api/v1/appointments", sup, {"customer_id": other["id"], "session_id": s1["id"], "kind": "examination"}))
ok(*call("POST", f"/api/v1/appointments/{a3['id']}/transitions", sup, {"action": "cancel", "reason": "患者出差", "version": a3["version"]}))
# A leave: the booking of this session goes to the rebooking queue.
ok(*call("POST", "/api/v1/schedule-exceptions", sup, {"resource_id": res["id"], "from": day, "to": day, "reason": "设备检修"}))

fhir = "/fhir/r4"
new_patient = {
    "resourceType": "Patient",
    "identifier": [{"system": "urn:hcrm:FC01:his", "value": "P0002"}],
    "name": [{"use": "official", "family": "张", "given": ["小红"]}],
    "telecom": [{"system": "phone", "value": "13811112222", "use": "mobile"}, {"system": "email", "value": "z@example.com"}],
    "gender": "female", "birthDate": "1980-05-06",
    "address": [{"state": "北京市", "city": "北京市", "district": "海淀区", "line": ["中关村大街1号"]}],
}
answers = {
    "metadata": call("GET", f"{fhir}/metadata"),
    "patient-unmasked": call("GET", f"{fhir}/Patient/{patient['id']}", sup),
    "patient-masked": call("GET", f"{fhir}/Patient/{patient['id']}", key),
    "patient-latin": call("GET", f"{fhir}/Patient/{other['id']}", sup),
    "patient-search": call("GET", f"{fhir}/Patient?_count=1", key),
    "patient-search-empty": call("GET", f"{fhir}/Patient?name=nobody", key),
    "patient-created": call("POST", f"{fhir}/Patient", key, new_patient, content_type="application/fhir+json"),
    "appointment-booked": call("GET", f"{fhir}/Appointment/{a1['id']}", key),
    "appointment-group-rebooking": call("GET", f"{fhir}/Appointment/{a2['id']}", key),
    "appointment-cancelled": call("GET", f"{fhir}/Appointment/{a3['id']}", key),
    "appointment-search": call("GET", f"{fhir}/Appointment?date={day}&_count=2", key),
    "outcome-404": call("GET", f"{fhir}/Patient/{org['id']}", key),
    "outcome-400": call("GET", f"{fhir}/Patient?birthdate=1990-13", key),
    "outcome-401": call("GET", f"{fhir}/Patient"),
    "outcome-403": call("GET", f"{fhir}/Appointment", admin),
    "outcome-406": call("GET", f"{fhir}/metadata", headers={"Accept": "application/fhir+xml"}),
    "outcome-409": call("POST", f"{fhir}/Patient", key, new_patient, content_type="application/fhir+json"),
    "outcome-415": call("POST", f"{fhir}/Patient", key, b"<Patient/>", content_type="application/fhir+xml"),
    "outcome-422": call("POST", f"{fhir}/Patient", key, {"resourceType": "Patient", "name": [{"text": "王芳"}],
                                                        "identifier": [{"system": "urn:oid:2.16.156.10011.1.3", "value": "110105194912310021"}]},
                        content_type="application/fhir+json"),
}
for name, (status, content_type, body) in answers.items():
    if not content_type.startswith("application/fhir+json"):
        sys.exit(f"fhir-check: {name} answered {status} as {content_type}")
    want = body.get("resourceType")
    if name.startswith("outcome-") != (want == "OperationOutcome"):
        sys.exit(f"fhir-check: {name} answered {status} {body}")
    with open(os.path.join(out, f"{name}.json"), "w") as f:
        json.dump(body, f, ensure_ascii=False, indent=1)
print(f"{len(answers)} answers saved")
