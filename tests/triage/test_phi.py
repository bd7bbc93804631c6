import pytest

from triage.phi import BLOCK, WARN, Finding, check_reply_draft, has_blocking, suggest_private_channel

CONTACTS = {
    "hospital_phones": ("555-0100", "555-0199", "(555) 555-0123", "1-800-555-0142"),
    "hospital_emails": ("patientexperience@riverside.example",),
    "hospital_domains": ("riverside.example",),
}


def _check(text: str) -> list[Finding]:
    return check_reply_draft(text, **CONTACTS)


BLOCKED = [
    ("patient_name", "We're sorry your mother Jane had to wait so long."),
    ("patient_name", "Mr. Smith's care was reviewed by our team."),
    ("patient_name", "Your husband, Robert, was moved to a private room as soon as one was free."),
    ("patient_name", "We're sorry about your dad Tom's experience and want to make it right."),
    ("patient_name", "Our team spoke with the patient Maria about her concerns."),
    ("patient_name", "Hi Maria Lopez, thanks for reaching out."),
    ("date_of_birth", "Please confirm your date of birth in a reply so we can find you."),
    ("date_of_birth", "Your DOB on file is different from the one on the bill."),
    ("care_date", "On your visit on 3/14 the ER was very busy."),
    ("care_date", "We see that you were admitted on March 3rd and went home two days later."),
    ("care_date", "Your procedure on 5/2 was performed by our most senior surgeon."),
    ("care_date", "The appointment on June 2 was cancelled because the clinic closed early."),
    ("care_date", "We're sorry to hear about your visit to the ER yesterday."),
    ("record_number", "Please call us and reference MRN 00482913."),
    ("record_number", "Your account number 8841-2231 shows a balance of $40."),
    ("record_number", "Patient ID 55123 has been flagged for follow-up."),
    ("record_number", "Your claim number is 2023-44812; please quote it when you call."),
    ("record_number", "Quote reference 48213907 when you call billing."),
    ("phone", "Please call Dr. Lee directly at 555-867-5309."),
    ("phone", "Please text our manager at (312) 555-2233 tonight."),
    ("email", "Email our nurse manager at jsmith@gmail.com."),
    ("email", "Contact Sarah at sarah.jones@othermail.example for an update."),
    ("patient_status", "When you were treated in our ER, the staff followed protocol."),
    ("patient_status", "During your stay, our nurses checked on you every hour."),
    ("patient_status", "Your admission was delayed because no beds were available."),
    ("patient_status", "Our records show you arrived at 2 am and were triaged promptly."),
    ("patient_status", "Our staff who cared for you have been spoken to."),
    ("patient_status", "As our patient, you are entitled to a copy of everything we hold."),
    ("patient_status", "Your wife was seen by the cardiology team within 20 minutes."),
    ("patient_status", "The nurse who treated you has received further training."),
    ("patient_status", "We have no record of a complaint from you, but we'd like to talk."),
    ("patient_status", "Your discharge paperwork was completed at 4 pm."),
    ("patient_status", "When you came in on Saturday we were at full capacity."),
    ("patient_status", "Congratulations, and we're so glad your baby was delivered safely."),
    ("clinical_detail", "We hope your recovery is going well."),
    ("clinical_detail", "We're sorry your surgery was postponed."),
    ("clinical_detail", "Your diagnosis was made according to the standard of care."),
    ("clinical_detail", "We understand your chemotherapy schedule changed at short notice."),
    ("clinical_detail", "The delay in getting insulin was caused by a pharmacy backlog."),
    ("clinical_detail", "We're sorry you were not told about the cancer sooner."),
    ("clinical_detail", "Your test results were sent to your primary care doctor."),
    ("clinical_detail", "We found the prescription for oxycodone was filled correctly."),
    ("clinical_detail", "Your son's MRI was read by a radiologist the same day."),
    ("clinical_detail", "We understand your daughter's depression makes waiting very hard."),
    ("clinical_detail", "The sepsis was caught as soon as the symptoms appeared."),
]

WARNED = [
    ("clinical_apology", "We're sorry about the medication error and are reviewing what happened."),
    ("clinical_apology", "We apologize for the fall and have added bed alarms."),
    ("clinical_apology", "We regret the infections reported this month and are reviewing hygiene."),
    ("clinical_apology", "We're so sorry for the complications you describe."),
    ("chart_review", "We reviewed your chart and would like to talk with you."),
    ("chart_review", "We have looked into your file and would like to discuss it privately."),
    ("unit_with_date", "Our ICU was very busy on March 3 and we're sorry for the wait."),
    ("unit_with_date", "The 4 West unit was short-staffed last Tuesday night."),
    ("unit_with_date", "Our maternity ward was at capacity yesterday."),
    ("visit_reference", "We apologize that your appointment was cancelled."),
    ("visit_reference", "We'd like to hear more about your recent visit."),
    ("visit_reference", "We've shared this with your nurse's manager."),
    ("person_name", "Please ask for Ms. Rivera, who can help with this."),
]

SAFE = [
    "We're sorry to hear this. Please contact our Patient Experience team at 555-0100 or "
    "patientexperience@riverside.example so we can look into it privately.",
    "Thank you for sharing your feedback. We'd like to learn more; please call us at 555-0100.",
    "We hear you, and we're sorry this was frustrating. Our Patient Relations team would like to talk with "
    "you: patientexperience@riverside.example.",
    "We take concerns like this seriously. Please send us a direct message with your contact details and a "
    "member of our team will reach out.",
    "Parking at our main campus is free for the first 30 minutes; current rates are at "
    "riverside.example/parking.",
    "We're sorry about the long wait. We're working to reduce wait times in our Emergency Department and "
    "would welcome the chance to hear more at 555-0100.",
    "Our billing office is open Monday to Friday, 8am to 5pm, at 555-0199.",
    "Thank you for the kind words about our nurses! We'll be sure to share them with the team.",
    "We're grateful you took the time to tell us. Your privacy matters to us, so we can't discuss details "
    "here. Please reach out to patientexperience@riverside.example.",
    "We're sorry you had trouble reaching us by phone. Our scheduling line is (555) 555-0123 and is staffed "
    "7am to 7pm.",
    "We'd like to make this right. Please contact our Patient Advocate at 555-0100 and mention this post so "
    "we can follow up.",
    "We understand how stressful a hospital experience can be. We'd welcome a private conversation: please "
    "call 555-0100.",
    "Thanks for letting us know about the broken vending machine in the lobby; our facilities team is on it.",
    "We're sorry to hear about the noise. Please reach out to our Patient Experience team so we can "
    "learn more.",
    "Our cafeteria hours have changed; the updated schedule is at riverside.example/dining.",
    "We value every piece of feedback and share it with our leadership team each week.",
    "We're sorry to hear that communication fell short. We'd like to understand what happened; please email "
    "patientexperience@riverside.example.",
    "Thank you for bringing this to our attention. Privacy laws mean we can't discuss any individual's care "
    "on social media, but we would like to talk with you directly at 555-0100.",
    "We'd be glad to help with billing questions. Please call our Billing Office at 555-0199 or email "
    "billing@riverside.example.",
    "Hi there, we're sorry you feel this way. Please DM us so we can connect you with the right person.",
    "We're so sorry for your loss. If you would like to talk with someone, our Patient Relations team is "
    "available at 555-0100.",
    "Thank you for your patience and for sharing this. Our team would like to hear more: "
    "patientexperience@riverside.example.",
    "Masks are currently optional in public areas of the hospital. Our visitor policy is at "
    "riverside.example/visitors.",
    "Visiting hours are 9am to 8pm daily. Please check riverside.example/visitors before you come.",
    "We want every patient to feel respected. We'd like to hear more about what happened; please contact us "
    "privately at 555-0100.",
    "Thank you for the shout-out! Our Emergency Department team works hard and will be glad to hear this.",
    "Our price estimator at riverside.example/prices can give you an estimate before scheduling.",
    "We're sorry the phone line kept you on hold. We've added staff to our call center this month.",
    "We appreciate you raising this. A member of our Patient Experience team would like to speak with you; "
    "please call 555-0100 at your convenience.",
    "We can't comment on specific situations here, but we'd like to connect. Please email "
    "patientexperience@riverside.example.",
    "Your feedback helps us improve. Please send us a private message with the best way to reach you.",
    "We're sorry to hear about your experience. Please contact our Patient Relations office at "
    "(555) 555-0123.",
    "We're glad to hear you had a good experience with our staff! Thank you for taking the time to post.",
    "We agree that clear communication matters. Please reach out at 555-0100 so we can talk this through.",
    "Thank you for your post. We have passed your comments about parking on to our facilities team.",
    "Interpreter services are available at no cost. Call 1-800-555-0142 to learn more.",
    "Our hospital is committed to a safe, clean environment. We'd appreciate the chance to learn more at "
    "patientexperience@riverside.example.",
    "We're sorry to hear about the delay. We'd welcome the opportunity to look into this with you privately; "
    "please call 555-0100 and ask for the Patient Experience team.",
    "Our cancer center and infection prevention team both welcome feedback at "
    "patientexperience@riverside.example.",
    "We're sorry to hear about how you were treated. That is not the standard we expect; please call "
    "555-0100.",
    "Happy Nurses Week to our amazing team! We're proud of the care you give every day.",
    "We're sorry about the billing error you describe. Our Billing Office can help at 555-0199.",
    "Thank you for your kind review. We're glad the discharge lounge and free shuttle made things easier.",
    "Our emergency room had a power outage on Friday night; all services are back to normal.",
    "We wish you a speedy recovery, and thank you for taking the time to write.",
]


@pytest.mark.parametrize(("kind", "draft"), BLOCKED, ids=[f"{k}-{i}" for i, (k, _) in enumerate(BLOCKED)])
def test_check_reply_draft_blocks_phi(kind, draft):
    findings = _check(draft)
    assert any(f.kind == kind and f.severity == BLOCK for f in findings), findings
    assert has_blocking(findings)


@pytest.mark.parametrize(("kind", "draft"), WARNED, ids=[f"{k}-{i}" for i, (k, _) in enumerate(WARNED)])
def test_check_reply_draft_warns_on_risky_wording(kind, draft):
    findings = _check(draft)
    assert any(f.kind == kind and f.severity == WARN for f in findings), findings


@pytest.mark.parametrize("draft", SAFE, ids=[f"safe-{i}" for i in range(len(SAFE))])
def test_check_reply_draft_passes_safe_replies(draft):
    assert _check(draft) == []


def test_the_tables_are_big_enough():
    assert len(BLOCKED) + len(WARNED) >= 35
    assert len(SAFE) >= 35


def test_findings_point_at_the_offending_words():
    draft = "Thanks. During your stay we did our best."
    [finding] = _check(draft)
    assert draft[finding.start : finding.end] == "During your stay"


def test_findings_say_what_is_wrong_and_what_to_do_with_the_hospitals_contact():
    [finding] = _check("When you were treated here the team was short-staffed.")
    assert "Do not confirm that the person was a patient" in finding.message
    assert "We're sorry to hear about this experience" in finding.message
    assert "555-0100 or patientexperience@riverside.example" in finding.message


def test_findings_come_in_the_order_they_appear():
    findings = _check("Email jo@gmail.com about your diagnosis or call 555-222-3333.")
    assert [f.kind for f in findings] == ["email", "clinical_detail", "phone"]


@pytest.mark.parametrize(
    ("phone", "allowed"),
    [("555-0100", True), ("(555) 555-0100", True), ("+1 555 555 0100", True), ("555-0101", False)],
)
def test_a_phone_number_is_allowed_only_when_it_is_the_hospitals(phone, allowed):
    findings = check_reply_draft(f"Please call {phone}.", hospital_phones=["555-555-0100"])
    assert (findings == []) is allowed


def test_without_known_hospital_contacts_every_number_and_address_is_blocked():
    kinds = [f.kind for f in check_reply_draft("Call 555-0100 or email help@riverside.example.")]
    assert kinds == ["phone", "email"]


@pytest.mark.parametrize(
    ("email", "allowed"),
    [
        ("patientexperience@riverside.example", True),
        ("PatientExperience@Riverside.example", True),
        ("billing@mail.riverside.example", True),
        ("someone@riverside.example.evil.example", False),
        ("someone@notriverside.example", False),
    ],
)
def test_an_email_is_allowed_only_on_the_hospitals_address_or_domains(email, allowed):
    assert (_check(f"Write to {email} please.") == []) is allowed


def test_suggest_private_channel_offers_a_safe_reply_with_the_contact():
    findings = _check("During your stay the ward was short-staffed.")
    reply = suggest_private_channel(findings, phone="555-0100", email="patientexperience@riverside.example")
    assert "We're sorry to hear about this experience" in reply
    assert "555-0100 or patientexperience@riverside.example" in reply
    assert _check(reply) == []


def test_suggest_private_channel_has_a_placeholder_without_contacts_and_nothing_without_findings():
    assert "[Patient Experience phone or email]" in suggest_private_channel(_check("Your MRN is 123456."))
    assert suggest_private_channel([]) == ""
