#!/usr/bin/env python3
"""Deterministic generator for the HospitalListen demo data set.

Writes ``sources/demo/posts.jsonl.gz``: 3,785 synthetic public posts (X, Reddit, news sites and review
sites) about four FICTIONAL hospitals -- Riverside General Hospital (the demo customer), St. Brigid's Medical
Center, Mercy Valley Hospital and Lakeshore Health -- over the 180 days before the data set's end, plus ~140
posts that only look related ("have mercy", "Lakeshore Drive", the "Lakeshore Health Club" gym).

Each line is one JSON object carrying the post (platform, author, title, text, url, engagement, stars,
language) and its age in seconds before the end, plus ground-truth labels for tests and demos:
``hospital``, ``also_mentions``, ``topic``, ``is_complaint``, ``category`` and ``severity``. Lines are sorted
oldest first (age_seconds descending) and numbered demo-000001, demo-000002, ...

Text is built compositionally from the phrase tables below (openers x core sentences x details x closers,
with slot values such as hours waited, wards, amounts billed, staff roles and times of day), with occasional
typos, abbreviations and emoji; every text is unique. Four "emerging stories" are planted for the
clustering views: a Riverside garage-fee hike (last 30 days), a Mercy Valley surprise-ER-bill wave
(60-45 days ago), steady Riverside ER-wait complaints, and St. Brigid's broken new portal (last 3 weeks),
plus 15 repeat complainers. The end of the data set is taken as Thursday 2026-11-26 18:00 local time, which
only shapes the weekday/time-of-day rhythm of the ages.

Regenerate from the repo root with::

    python sources/demo/build_dataset.py

Standard library only, no network, seeded with ``random.Random(20261126)``: two runs give byte-identical
output (gzip mtime=0, sorted JSON keys). After changing the tables, rerun and update README.md's counts.
"""

import gzip
import itertools
import json
import math
import random
import re
from collections import Counter
from datetime import datetime, timedelta
from pathlib import Path

SEED = 20261126
END = datetime(2026, 11, 26, 18, 0, 0)
DAYS = 180
DAY = 86400
OUT = Path(__file__).resolve().parent / "posts.jsonl.gz"
rng = random.Random(SEED)
SEVERITIES = ["low", "medium", "high", "critical"]
PRAYER = "prayer_empathy"


def L(block):
    """Phrases, one per line or separated by ' || '. A leading 'low|', 'high|' or 'critical|' tags severity."""
    return [p.strip() for line in block.strip().splitlines() for p in line.split(" || ") if p.strip()]


# ---- Hospitals and the names people use for them (weights are relative). ----
HOSPITALS = {
    "riverside": dict(
        share=0.45, handle="RiversideGeneral", slug="riverside-general-hospital",
        names=[("Riverside General Hospital", 3), ("Riverside General", 6), ("RGH", 2)],
        er=["Riverside ER", "Riverside ER", "Riverside General ER", "RGH ER"],
        sites=["Riverside North Clinic", "Riverside Urgent Care Eastgate", "Riverside General"],
        docs=["Dr. Amara Okafor at {H}", "Dr. Okafor in cardiology at {H}", "Dr. Ben Castillo at {ER}", "Dr. Castillo in the ER"],
        cardio=["Dr. Okafor's office", "Dr. Amara Okafor's office", "Cardiology"],
        sub="RiversideCity", outlets=["Riverside Daily Ledger", "KRVR News 7"]),
    "st-brigids": dict(
        share=0.22, handle="StBrigidsMC", slug="st-brigids-medical-center",
        names=[("St. Brigid's Medical Center", 3), ("St. Brigid's", 6), ("St Brigids", 3)],
        er=["St. Brigid's ER", "St. Brigid's ER", "St Brigids ER"],
        sites=["St. Brigid's outpatient center", "the St Brigids urgent care", "St. Brigid's"],
        docs=[], cardio=["Cardiology"], sub="Eastgate", outlets=["Eastgate Gazette", "Metro Evening Post"]),
    "mercy-valley": dict(
        share=0.18, handle="MercyValleyHosp", slug="mercy-valley-hospital",
        names=[("Mercy Valley Hospital", 3), ("Mercy Valley", 5), ("MVH", 2)],
        er=["Mercy Valley ER", "Mercy Valley Hospital ER", "MVH ER"],
        sites=["the Mercy Valley clinic on 5th", "the MVH outpatient center", "Mercy Valley"],
        docs=[], cardio=["Cardiology"], sub="ValleyCounty", outlets=["Valley Health Beat", "County Courier"]),
    "lakeshore": dict(
        share=0.15, handle="LakeshoreHealth", slug="lakeshore-health",
        names=[("Lakeshore Health", 1)],
        er=["Lakeshore ER", "Lakeshore ER", "Lakeshore Health ER"],
        sites=["the Lakeshore clinic", "Lakeshore clinic", "Lakeshore Health"],
        docs=[], cardio=["Cardiology"], sub="LakeshoreLiving", outlets=["Lakeshore Tribune", "Metro Evening Post"]),
}
OTHER_OUTLETS = ["Metro Evening Post", "Health Systems Weekly", "Valley Health Beat", "County Courier"]
OUTLET_HANDLES = {"Riverside Daily Ledger": "RiversideLedger", "KRVR News 7": "KRVR7", "Eastgate Gazette":
                  "EastgateGazette", "Metro Evening Post": "MetroEvePost", "Valley Health Beat": "ValleyHealthBeat",
                  "County Courier": "CountyCourier", "Lakeshore Tribune": "LakeshoreTrib",
                  "Health Systems Weekly": "HSWeekly"}

# ---- Slot values. ----
RELS = [("my mom", "f"), ("my dad", "m"), ("my husband", "m"), ("my wife", "f"), ("my son", "m"),
        ("my daughter", "f"), ("my grandma", "f"), ("my grandpa", "m"), ("my sister", "f"), ("my brother", "m"),
        ("my 82 year old mother", "f"), ("my father-in-law", "m"), ("my aunt", "f"), ("my uncle", "m"),
        ("my boyfriend", "m"), ("my mother-in-law", "f"), ("my stepdad", "m"), ("my best friend", "f")]
PRON = {"m": ("he", "him", "his"), "f": ("she", "her", "her")}
WARDS = ["4 West", "5 North", "the cardiac floor", "the maternity floor", "the oncology floor", "the ICU",
         "the pediatric unit", "the step-down unit", "the ortho floor", "the neuro unit", "med-surg", "3 East"]
ROLES = ["nurse", "charge nurse", "CNA", "tech", "front desk guy", "registration clerk", "resident", "PA",
         "hospitalist", "triage nurse", "patient transporter", "unit secretary"]
TIMES = ["2am", "3 in the morning", "around 11pm", "7am", "noon", "shift change", "4:30am", "midnight",
         "6pm", "10 at night", "1am", "lunchtime"]
WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
SYMPTOMS = ["chest pain", "a 103 fever", "stroke symptoms", "trouble breathing", "a broken ankle",
            "kidney stone pain", "a migraine with vision loss", "severe stomach pain", "a head injury",
            "a bad allergic reaction", "a deep cut that wouldn't stop bleeding"]
REASONS = ["a kidney stone", "chest pain", "a broken wrist", "an asthma attack", "an MRI", "stitches",
           "a migraine that wouldn't quit", "abdominal pain", "a knee replacement", "labor", "pneumonia",
           "a dog bite", "a fall on the ice", "a gallbladder attack"]
PROCEDURES = ["a colonoscopy", "knee surgery", "gallbladder surgery", "cataract surgery", "an MRI",
              "a C-section", "hernia repair", "a cardiac cath", "a sleep study", "a mammogram", "a hip replacement"]
DRUGS = ["insulin", "heparin", "a blood thinner", "morphine", "potassium", "penicillin", "metoprolol",
         "a sedative", "Dilaudid"]
INSURANCE = ["NorthStar PPO", "Cascade Shield HMO", "Medicaid", "Medicare Advantage", "Harborline Health",
             "the marketplace Silver plan", "BluePine Choice"]
CHILD = ["4 year old", "toddler", "6yo", "11 month old", "teenager", "8 year old", "newborn"]
WALK = ["half a mile", "three blocks", "six blocks", "a quarter mile", "two streets over"]
DRIVE = ["40 minutes", "an hour each way", "across town", "90 minutes", "25 miles"]
PAST_MONTHS = ["June", "July", "August", "September", "early October"]
FUTURE_MONTHS = ["January", "February", "March", "April", "next spring", "after the holidays"]
BABIES = ["Mia", "Theo", "Nora", "Eli", "Ava", "Leo", "Isla", "Mateo", "Ruby", "Caleb", "Zara", "Owen"]
NURSE_NAMES = ["Tasha", "Marisol", "Kevin", "Jo", "Priya", "Darnell", "Becky", "Luis", "Hannah", "Femi", "Gabe"]
OTHER_PLACES = ["a different hospital", "the urgent care in town", "my regular doctor", "a clinic two towns over"]
FIRST = ["Jen", "Marcus", "Priya", "Tom", "Aisha", "Kevin", "Maria", "Dave", "Keisha", "Luis", "Hannah", "Omar",
         "Becca", "Tyler", "Rosa", "Sam", "Nina", "Derek", "Alicia", "Chris", "Fatima", "Greg", "Tanya", "Jamal",
         "Lauren", "Miguel", "Heather", "Andre", "Kim", "Brian", "Sofia", "Will", "Carmen", "Josh", "Leah", "Raj",
         "Amber", "Nate", "Deb", "Victor", "Erin", "Hector", "Megan", "Paul", "Yesenia", "Ryan", "Tiff", "Dana"]
LAST = ["Kowalski", "Nguyen", "Patel", "Brooks", "Hernandez", "O'Brien", "Walsh", "Ramirez", "Thompson", "Lee",
        "Okonkwo", "Fischer", "Delgado", "Murphy", "Shah", "Coleman", "Reyes", "Novak", "Bennett", "Price",
        "Morales", "Haddad", "Jensen", "Carter", "Torres", "Kim", "Sullivan", "Abara", "Lindqvist", "Ortiz"]
ADJ = ["tired", "salty", "sleepy", "caffeinated", "anxious", "rainy", "quiet", "grumpy", "midwest", "lucky"]
NOUN = ["mom", "dad", "nurse", "otter", "teacher", "gardener", "runner", "raccoon", "bookworm", "commuter"]
TOWNS = ["eastgate", "riverside", "thevalley", "lakeshore", "northside", "millbrook"]

# ---- Topic phrase tables: core sentences, extra details, reddit titles. Slots are filled by make_ctx(). ----
COMPLAINT_DEFAULT = {"wait_times": "medium", "billing_insurance": "medium", "staff_attitude": "medium",
                     "facilities_environment": "low", "safety": "high", "appointments_access": "medium",
                     "communication": "medium", "clinical_quality": "high", "admission_discharge": "medium",
                     "privacy_rights": "high"}
NEUTRAL_OPEN = ["I rarely write reviews, but this one needs to be said.", "Writing this so others know what to expect.",
                "Our family has used {H} for years.", "Long review, sorry."]
T = {}
T["wait_times"] = dict(open=NEUTRAL_OPEN, core=L("""
    Waited {hours} hours in the {ER} waiting room with {rel} and nobody so much as took {his} vitals.
    {hours} hours at {ER} tonight and we still haven't seen a doctor.
    Brought {rel} to {ER} at {time} with {symptom} and we weren't roomed until {hours} hours later.
    Triage took ten minutes, then we sat for {hours} hours under the fluorescent lights at {ER}.
    Sat on a stretcher in the hallway of {ER} for {hours} hours because there were "no beds."
    Checked in at {ER} at {time}, finally saw a PA {hours} hours later.
    {rel}'s surgery at {H} got pushed back {n} times and we're still waiting on a date.
    high|Brought {rel} in with chest pain and {ER} made us wait {hours} hours for an EKG.
    high|My {child} had a 104 fever and we sat in {ER} for {hours} hours before anyone looked at us.
    The board at {ER} said a 45 minute wait. It was {hours} hours.
    Outpatient procedure at {H} was scheduled for 8am and they didn't call me back until {hours} hours later.
    Spent my whole {weekday} in the waiting room at {ER}, {hours} hours total for {n} stitches.
    {hours} hours in the {ER} lobby and counting, with {n} people still ahead of us.
    high|{rel} waited {hours} hours at {ER} with {symptom} and got worse the whole time.
    """), detail=L("""
    There were {n} people at the desk and all of them avoided eye contact.
    The TV was stuck on the same infomercial the entire time.
    People were throwing up into trash cans right next to us. || A guy next to us gave up and left after {n} hours.
    When I asked for an update they said "we're doing our best" and walked off.
    high|{rel} passed out in the waiting room and only then did they bring a wheelchair.
    I get that it's busy, but there was zero communication. || Half the chairs in there are broken or taped up.
    We watched at least {n} people who came in after us get called first.
    Nobody could tell us where we were in line. || The vending machine ate my last $5, so that was fun.
    high|{rel} was shaking and grey by the time a nurse finally came out.
    """), title=L("""
    {hours} hour wait at {ER} - is this normal now? || Anyone else waiting forever at {ER} lately?
    {ER} wait times are out of control || How long are you all waiting at {H} these days?
    """))
T["billing_insurance"] = dict(core=L("""
    Got a bill from {H} for {amount} for a visit that was supposed to be covered.
    {H} billed me {amount} for an ER visit where I saw a doctor for maybe {mins} minutes.
    Surprise, the anesthesiologist at {H} was out-of-network, so that's another {amount}.
    {H} sent my {amount} balance to collections while I was still on hold with their billing office.
    Asked {H} for a price estimate for an MRI up front and they couldn't give me a number. Bill came to {amount}.
    My itemized bill from {H} has {small} for a bag of saline and {small2} for "oral administration" of a Tylenol.
    {H} charged a {small} "facility fee" for a 15 minute video visit.
    I've been billed twice by {H} for the same visit, {amount} each time.
    Insurance paid, I paid my copay, and {H} still sent me a statement for {amount}.
    The price estimator on the {H} website said {small}. The actual bill was {amount}.
    {H} billing keeps telling me to call insurance and insurance keeps telling me to call {H}.
    {H} charged {rel} {amount} for an ambulance transfer between two of their own buildings.
    """), detail=L("""
    Been on hold with billing for {mins} minutes, twice.
    I asked for an itemized bill {weeks} weeks ago and still nothing.
    They offered a {n} month payment plan like it's a favor.
    Nobody told me at check-in that the ER doctor wasn't in network.
    My credit score dropped {n}0 points because of this. || I'm a teacher, I don't have {amount} lying around.
    I filed an appeal but they won't pause collections while it's pending.
    The billing codes don't even match what was done.
    The woman in billing was nice but had zero power to fix anything.
    high|Now they're threatening to garnish my wages. || Price transparency my foot.
    """), title=L("""
    Surprise bill from {H} - {amount} for an ER visit?
    {H} sent me to collections while my claim was still processing || Is this facility fee from {H} legit?
    Out-of-network anesthesiologist at an in-network hospital ({H}) || How do I fight a {amount} bill from {H}?
    """))
T["staff_attitude"] = dict(core=L("""
    The front desk lady at {H} rolled her eyes at me when I asked how much longer.
    {doc} barely looked up from the computer and told me it was "probably anxiety."
    Pressed the call button for {mins} minutes on {ward} at {H}, the nurse finally came in and said she was on break.
    The {role} at {H} talked to {rel} like {he} was a child.
    Asked a simple question about {rel}'s meds and the {role} at {H} snapped "I don't have time for this."
    The security guard at {ER} yelled at {rel} for sitting in the wrong chair.
    Told the {role} at {H} I was in a lot of pain and got "everyone here is in pain" back.
    The registration clerk at {site} was on her personal phone the whole time I was checking in.
    The doctor at {H} laughed when I described my symptoms and said I'd been reading too much online.
    I've never felt so dismissed. The {role} at {H} cut me off every time I tried to explain.
    The night nurse on {ward} at {H} turned off the call light without asking what we needed.
    The {role} at {site} called {rel} "sweetie" and then ignored everything {he} said.
    """), detail=L("""
    When I asked for a name, the badge got flipped around.
    I'm not expecting hugs, but basic courtesy would be nice. || Other staff saw it happen and said nothing.
    I filed a complaint with patient relations and got a form letter back.
    To be fair the day shift was completely different. || I was crying and nobody even offered a tissue.
    We are not difficult people, we just wanted answers. || It's like they forget patients can hear them.
    There was a loud sigh every single time we asked for anything.
    """), title=L("""
    Rude staff at {H} - who do I complain to? || How we were treated at {H} || Is basic respect too much to ask? ({H})
    Staff at {H} need customer service training
    """))
T["facilities_environment"] = dict(core=L("""
    medium|The bathroom on {ward} at {H} hadn't been cleaned all day, there was blood on the floor.
    The room at {H} was freezing and they ran out of blankets at {time}.
    Both elevators in the {tower} at {H} were out and we carried {rel}'s stuff up {n} flights.
    The food at {H} was cold every single meal, the "hot" breakfast was room temp eggs.
    Someone's monitor beeped all night outside our room at {H} and nobody turned it off.
    The waiting area at {ER} smells like old coffee and bleach and half the lights flicker.
    medium|Found a used glove under the bed in {rel}'s room at {H}.
    The water fountain on {ward} at {H} has had an out-of-order sign on it for weeks.
    Construction drilling started at 7am right outside the windows on {ward} at {H}.
    The shower in {rel}'s room at {H} had black mold in the grout.
    The TV in {rel}'s room at {H} has been broken for {n} days and they still charge for it.
    """), detail=L("""
    I told the nurse and she said she'd "put in a ticket." || I get it, it's a hospital not a hotel, but come on.
    For what they charge per night this is embarrassing. || Maintenance showed up two days later.
    We ended up bringing our own food from home. || I have pictures if anyone from {H} wants to see them.
    """), title=L("""
    Conditions at {H} right now || Is it just me or has {H} gotten really run down?
    """))
PARKING = dict(core=L("""
    Circled the {H} parking garage for {mins} minutes, every level full.
    The {H} lot was full so I parked {walk} away and walked in the rain.
    Parking at {H} is a joke, the pay machine only takes exact change.
    Paid {fee} to park at {H} for a {mins} minute appointment.
    The gate arm at the {H} garage was stuck and nobody answered the help button.
    The handicap spots at {H} were all taken by contractor trucks again.
    """), detail=L("""
    Ended up late for my own appointment because of it. || There's no drop-off zone either.
    The valet was "full" too. || Try doing that with a walker. || The parking office closes at 5, so good luck.
    """), title=L("""
    Parking at {H} is ridiculous || {H} parking situation
    """))
T["safety"] = dict(open=NEUTRAL_OPEN, core=L("""
    A nurse at {H} almost gave {rel} someone else's {drug}. I only caught it because I know {his} meds.
    {rel} fell trying to get to the bathroom at {H} after pressing the call button for {mins} minutes.
    {rel} got a wound infection after surgery at {H} and had to go back in for {n} more days of IV antibiotics.
    They marked the wrong knee for {rel}'s surgery at {H}. We only noticed because {he} asked.
    {rel} was given {drug} at {H} even though the allergy is printed right on {his} wristband.
    They left {rel}, who has dementia, alone in a hallway at {ER} and {he} wandered outside.
    {rel}'s IV pump alarm went off for {mins} minutes at {H} and nobody came.
    The bed alarm on {rel}'s bed at {H} was switched off and {he} fell at {time}.
    {rel} got the regular diet tray at {H} twice even though {he}'s diabetic and it's on the whiteboard.
    Nobody at {H} checked {rel}'s blood sugar for {hours} hours after surgery.
    The night nurse at {H} skipped {rel}'s antibiotic dose and nobody noticed until the morning.
    {rel} got a blood clot at {H} because nobody put on the compression boots the surgeon ordered.
    A transporter at {H} dropped {rel} moving {him} from the stretcher to the bed.
    critical|{rel} died at {H} after waiting {hours} hours with sepsis symptoms that nobody checked.
    critical|{rel} got ten times the dose of {drug} at {H} and ended up in the ICU. We have a lawyer now.
    critical|A staff member at {H} grabbed {rel} by the arm hard enough to leave bruises. I reported it to the state.
    critical|I told {ER} I was having thoughts of ending my life and they sent me home with a pamphlet.
    critical|{rel} was left in a soiled bed for hours at {H} and now has a stage 3 pressure ulcer.
    critical|Going to the news about what happened to {rel} at {H} if nobody from administration calls me back.
    """), detail=L("""
    We reported it and nobody from {H} has followed up.
    critical|I'm meeting with a malpractice attorney on {weekday}.
    Risk management gave me a case number and that's it. || The charge nurse admitted it "shouldn't have happened."
    {he}'s still not back to where {he} was before.
    critical|The state health department is getting a letter from me, and so is every TV station in town.
    There was no incident report until I demanded one. || critical|We're suing. I don't care how long it takes.
    Nobody has apologized. Not once. || We had to ask three times before a supervisor came.
    The nurse manager said she'd "look into it." || Nobody even wrote down what happened.
    """), title=L("""
    Something went really wrong at {H}, what do we do? || Patient safety at {H} - please read
    Who do I report this to? ({H}) || Need advice after what happened at {H}
    """))
T["appointments_access"] = dict(core=L("""
    Trying to get a new patient appointment at {site}. Earliest slot is {months} months out.
    Called {H} scheduling {n} times today and it rang out every single time.
    low|The {H} patient portal keeps logging me out before I can even see my results.
    My referral to {H} cardiology has been "in process" for {weeks} weeks.
    low|Tried to reschedule online for {site} and the page just spins.
    {site} cancelled my appointment the morning of, again, and the next opening is in {weeks} weeks.
    Waited on hold with {H} for {mins} minutes just to get transferred to a voicemail box that's full.
    {cardio} at {H} has nothing until {future_month}. I have a heart condition.
    low|The callback option on the {H} phone line never actually calls back.
    Been trying to get {rel} in for a follow-up at {site} since {past_month} with no luck.
    """), detail=L("""
    The recording says "your call is important to us" every 45 seconds.
    I ended up going to urgent care just to get a refill.
    The chat bot on their website just gives me the phone number.
    They said to call on the 1st when the schedule opens. I did. It was full by 8:15.
    My doctor's office has faxed the referral {n} times. || low|The password reset email never arrives.
    """), title=L("""
    How do you actually get an appointment at {site}? || {H} phone line - does anyone ever answer?
    {months} month wait for a new patient visit at {H}?
    """))
T["communication"] = dict(core=L("""
    Nobody at {H} told us {rel} had been moved to {ward}, we found out from the cleaning staff.
    {rel}'s test results have been in the portal for {days} days and nobody at {H} has explained them.
    The discharge instructions from {H} said to "resume normal medications" but they changed three of them.
    We got four different answers from four different people at {H} about when {rel} could eat.
    {H} never called to say the procedure was cancelled, we drove {drive} for nothing.
    The doctor at {H} came in, used a lot of words I didn't understand, and left before I could ask anything.
    {rel} had surgery at {H} at {time} and nobody updated the family for {hours} hours.
    Found out about my biopsy results from the {H} portal at 11pm, not from a doctor.
    I asked {n} times what the CT showed at {ER} and got "the doctor will come talk to you." Nobody came.
    No interpreter was offered to {rel} at {H}, they had my 12 year old translate.
    """), detail=L("""
    I had to piece it together from the after-visit summary. || A little communication would have gone a long way.
    The nurses said it wasn't their place to tell us. || We still don't know what the plan is.
    I wrote everything down and it still didn't make sense.
    """), title=L("""
    Nobody at {H} tells families anything || How do you get a straight answer out of {H}?
    Discharge instructions from {H} make no sense
    """))
T["clinical_quality"] = dict(open=NEUTRAL_OPEN, core=L("""
    {ER} told me it was a pulled muscle. Two days later I was back with a collapsed lung.
    {rel} was sent home from {H} with "the flu" and came back 36 hours later in septic shock.
    The {ER} doctor said my {child}'s arm was sprained. Urgent care x-rayed it the next day and it was broken in two places.
    {H} sent {rel} home with antibiotics for a UTI and it turned out to be a kidney stone blocking everything.
    I went to {site} {n} times for the same pain and they kept saying gas. It was my appendix.
    {H} missed a fracture on {rel}'s hip x-ray and {he} walked on it for a week.
    critical|{rel} was told at {H} it was heartburn. It was a heart attack.
    They never ran the blood test the doctor at {H} promised, and now {rel}'s treatment is {weeks} weeks behind.
    The stitches I got at {ER} came apart the next day because they were too shallow.
    """), detail=L("""
    I'm not a doctor but I knew something wasn't right and I said so.
    A second opinion at {other_place} caught it right away. || We're lucky it wasn't worse.
    I begged them to run one more test. || I don't trust them with anything serious now.
    """), title=L("""
    Misdiagnosed at {ER} - what now? || Sent home from {H} and came back worse
    Should I report a missed diagnosis at {H}?
    """))
T["admission_discharge"] = dict(open=NEUTRAL_OPEN, core=L("""
    {rel} was cleared for discharge at 9am at {H} and we didn't get out until {time}.
    {H} discharged {rel} at {time} with no ride home arranged, and {he} can't drive.
    Waited all day for {rel}'s discharge paperwork at {H}, then the pharmacy "lost" the prescriptions.
    {H} discharged {rel} less than 24 hours after major surgery and {he} could barely stand.
    {rel} was admitted at {H} but sat in the ER for {hours} hours waiting for a bed upstairs.
    They told us {rel} would go to rehab from {H}, then sent {him} home without so much as a walker.
    {rel} got discharged from {H} and was readmitted {days} days later with the same problem.
    The discharge nurse at {H} went over everything in about 90 seconds.
    """), detail=L("""
    We had to call back three times to get the equipment delivered. || Nobody could tell us who signed off on it.
    The case manager was "out today." || high|{he} was back in the ER within 48 hours.
    """), title=L("""
    Discharged way too early from {H}? || Waiting all day for discharge at {H}
    """))
T["privacy_rights"] = dict(core=L("""
    Two nurses at {H} were discussing my diagnosis in the hallway loud enough for the whole waiting room.
    {H} mailed my records to someone else with the same last name.
    My neighbor works at {H} and somehow knew about my visit before I told anyone.
    The front desk at {site} read my reason for visit out loud to a full waiting room.
    {H} faxed {rel}'s discharge summary to the wrong number, with {his} HIV status on it.
    I heard the {role} at {H} joke about "the drunk in bed 4" and everyone knew who they meant.
    My portal at {H} showed me another patient's lab results.
    {H} wouldn't let me see {rel}'s chart even though I'm the healthcare proxy, but told {his} ex everything.
    """), detail=L("""
    I've filed a HIPAA complaint. || This is a small town and people talk. || I'm honestly scared to go back.
    The privacy officer hasn't returned my calls.
    """), title=L("""
    Privacy violation at {H} - what are my options? || {H} sent my records to a stranger
    """))
T["praise"] = dict(core=L("""
    The nurses on {ward} at {H} took such good care of {rel} this week.
    Huge thank you to {doc}. Explained everything and never made us feel rushed.
    In and out of {ER} in under {mins} minutes and the staff were calm and kind.
    {H} maternity team, you were incredible. Welcome to the world, little {baby}!
    {rel}'s room at {H} was spotless and the food was honestly good?? That chicken soup!
    Shoutout to {nurse}, the night nurse on {ward} at {H}, who sat with {rel} at {time} when {he} was scared.
    The {role} at {site} remembered my name from last time. Small thing, big difference.
    Had {procedure} at {H} last {weekday}. Smooth from check-in to discharge.
    {doc} caught something two other doctors missed. Forever grateful.
    The volunteers at the {H} front desk walked me all the way to imaging.
    Can't say enough good things about the staff on {ward} at {H}.
    {H} billing actually fixed an error in one phone call. Didn't know that was possible.
    The physical therapists at {H} had {rel} walking again in {days} days.
    The chaplain at {H} sat with our family for an hour when we needed it most.
    """), detail=L("""
    Please pass this along to their manager. || Nurses don't get thanked enough.
    Everyone from the cleaning crew to the surgeon was kind. || They even brought a warm blanket without me asking.
    I was nervous going in and they made it easy. || Parking was a pain but everything else was perfect.
    We'll go back for the follow-up without any worry.
    """), title=L("""
    Shoutout to the team on {ward} at {H} || Good experience at {H} for once || Thank you {H}
    Positive story about {H} for a change
    """))
T["question"] = dict(core=L("""
    Does {H} take {insurance}? || What are visiting hours on {ward} at {H}?
    Where's the best place to park for {H}, the main garage or the surface lot? || Is {site} open on {weekday}s?
    Can you bring outside food in for patients at {H}? || Does {H} have a pharmacy on site that's open late?
    How early should I get to {H} for a 7am surgery check-in? || Can I get {procedure} at {H} without a referral?
    Are kids allowed to visit on {ward} at {H}? || Is the cafeteria at {H} open to visitors after 8pm?
    Does {site} do walk-in flu shots? || How do I request my medical records from {H}?
    Is {ER} usually less busy in the morning or at night?
    """), detail=L("""
    Thanks in advance! || Trying to plan for {rel}'s stay. || Their website isn't very clear.
    Called but it's after hours. || Any tips appreciated.
    """), title=L("""
    Question about {H} || Quick question for anyone who's been to {H} || {H} question
    """))
T[PRAYER] = dict(core=L("""
    {rel} is in critical condition at {H}. Please pray for {him}.
    Sitting in the ICU waiting room at {H} tonight. {rel} had a stroke this morning.
    Please keep {rel} in your thoughts, {he}'s in surgery at {H} right now.
    Long night at {ER}. {rel} was in a car accident and they're still running scans.
    {rel} was flown to {H} by helicopter. We're driving there now. Prayers please.
    Day {days} at {H} with {rel}. Still on the ventilator. Still fighting.
    We just found out {rel}'s cancer has spread. The team at {H} is doing what they can.
    {rel} made it through surgery at {H}! Not out of the woods yet. Thank you for the prayers.
    My heart is breaking. {rel} is on {ward} at {H} and we don't know if {he}'ll make it home.
    """), detail=L("""
    Any prayers or good vibes appreciated. || I haven't slept in {n}0 hours.
    The nurses are taking good care of {him}. || Hug your people tonight. || We're taking it hour by hour.
    I'll update when I can.
    """), title=L("""
    Please pray for {rel} || Long night at {H} || {rel} in the ICU at {H}, anyone been through this?
    """))

# Emerging stories.
PARKING_STORY = dict(open=NEUTRAL_OPEN, core=L("""
    {H} just raised garage parking to $22 a day. It was $8 last month.
    Paying $22 a day to visit {rel} at {H} since the new garage rates kicked in.
    The new parking rates at {H} are outrageous, $22 a day when you're sitting with someone in the ICU.
    Heard staff permits at {H} went from $45 to $110 a month with the new garage rates.
    {H} garage went from $2 to $4 an hour. For a dialysis patient that's {weekly} a week just to park.
    So {H} hikes parking to $22 a day AND the garage is still full by 9am.
    Parking at {H} now costs more than my copay. $22. A day.
    The sign at the {H} garage says "rates adjusted to improve your experience." Improve it how exactly?
    Lot C at {H} used to be free for patients, now it's $4 an hour.
    Visiting {rel} at {H} every day for {days} days at the new garage rate = {total} just to park.
    {H} took away visitor parking validation and doubled the garage rate in the same week.
    Chemo every week at {H} and now I'm paying $4 an hour to park for it.
    """), detail=L("""
    No validation for visitors anymore either. || The pay stations don't even take cards half the time.
    Is there any free street parking near {H}? Asking seriously.
    Cancer patients shouldn't have to pay to park for chemo.
    People are parking on the side streets now and getting ticketed.
    Nobody announced this, we just showed up and the rate board had changed.
    """), title=L("""
    {H} garage rate hike?? || $22/day to park at {H} now || Anyone else furious about the new {H} parking fees?
    """))
MERCY_BILL_STORY = dict(open=NEUTRAL_OPEN, core=L("""
    
    Went to {ER} in {past_month}, insurance covered the hospital part, and now a separate {amount} bill from ValleyEM Physicians Group.
    Anyone else get a surprise bill after an ER visit at {H}? Mine is {amount} for the "physician component."
    Apparently the {H} ER doctors are out of network now. Found out via a {amount} bill.
    Surprise bill after {rel}'s ER visit at {H}: {amount}. We were in and out in {hours} hours.
    Third person in my neighborhood group this week with a surprise ER bill from {H}.
    My {amount} ER bill from {H} says "out-of-network provider" but nobody said a word at check-in.
    So the {H} ER contract with the doctors group lapsed and patients are eating the cost? {amount} for me.
    Took my {child} to {ER} for stitches and got a surprise bill for {amount} from a doctors group I've never heard of.
    """), detail=L("""
    Isn't the No Surprises Act supposed to stop exactly this? || I've filed a dispute with my insurer.
    My insurance says the ER physician group left their network on the 1st.
    {H} billing says it's not their bill and the physician group says to call the hospital.
    There's a whole thread about this on the neighborhood page.
    Apparently you can file a complaint with the state insurance commissioner.
    """), title=L("""
    Surprise bill after ER visit at {H}? || {H} ER doctors out of network?? || PSA: check your {H} ER bills
    """))
PORTAL_STORY = dict(open=NEUTRAL_OPEN, core=L("""
    The new {H} patient portal is a disaster. Can't see my lab results since the switch.
    Since {H} moved to the new portal I can't message my doctor at all. "Feature coming soon."
    The new {H} portal says my email is already in use when I try to create an account.
    Tried to pay my {H} bill on the new portal, got error code {code} {n} times.
    The new {H} portal wiped all my upcoming appointments?? I had {n} scheduled.
    {H} switched portals and nobody can get in. The phone line is jammed with people asking the same thing.
    The verification code from the new {H} portal takes {mins} minutes to arrive and expires after 5.
    Anyone else locked out of the new {H} portal? Third password reset today.
    Since the portal upgrade at {H} I can't get into {rel}'s proxy account anymore.
    My test results are "unavailable" on the new {H} portal and the office says "just check the portal."
    """), detail=L("""
    The IT help line has a {hours} hour callback time. || The old one was clunky but at least it worked.
    Did anyone at {H} test this before launch? || The app version just crashes on login.
    The help desk told me to clear my cache. Did that. Still broken.
    """), title=L("""
    New {H} portal not working? || Locked out of the new {H} patient portal
    """))

# Posts that mention two hospitals: {H} is the one complained about, {O} the other.
COMPARE = {
    "wait_times": L("""
        {O} saw me in {mins} min after {ER} made me wait {hours} hours. Should've gone there first.
        Left {ER} after {hours} hours, drove to {O} and was in a room in {mins} minutes.
        {hours} hours at {ER}. My cousin was in and out of {O} in under an hour the same night.
        """),
    "staff_attitude": L("""
        Night and day difference between the nurses at {O} and {H}. At {H} we felt like a burden.
        The front desk at {O} actually says hello. The one at {H} can't be bothered to look up.
        """),
    "billing_insurance": L("""
        Same MRI, same insurance: {O} charged {small}, {H} charged {amount}. Explain that.
        {H} billed me {amount} for the same kind of ER visit that was a {copay} copay at {O} last year.
        """),
    "clinical_quality": L("""
        {H} sent me home with "a virus." {O} admitted me the next day with pneumonia.
        {ER} said my {child} was fine. {O} found the fracture in ten minutes.
        """),
    "appointments_access": L("""
        {H} couldn't see me for {months} months. {O} got me in this week.
        Gave up on ever getting through to {H} on the phone and booked at {O} online in two minutes.
        """),
    "communication": L("""
        At {O} the doctor called me with results the same day. {H} made me wait {days} days and then sent a letter.
        """),
}

NEWS = [  # (headline, lead, follow-ups, only for this hospital or None, only within this many days of the end or None)
    ("{H} breaks ground on new {wing}", "{H} broke ground {when} on a {sqft}-square-foot {wing} that hospital leaders say will open in 2028.",
     ["The ${m} million project will add {beds} inpatient beds.", "A spokesperson said construction will not affect access to the emergency department.",
      "Part of the cost is being covered by a community fundraising campaign."], None, None),
    ("{H} plans to hire {n2} nurses", "{H} said {when} that it plans to hire {n2} registered nurses over the next {months} months.",
     ["Sign-on bonuses of up to ${bonus} are being offered for night shifts.", "The hospital will hold a job fair at its main campus on {weekday}.",
      "Representatives of the nurses' union called the hiring push overdue."], None, None),
    ("{H} earns {award}", "{H} has received {award} from {body}, the hospital announced {when}.",
     ["The recognition is based on patient outcomes and survey data from the past year.", "Hospital leaders credited front-line staff.",
      "It is the {nth} time the hospital has received the designation."], None, None),
    ("{H} to host free {event} on {weekday}", "{H} will host a free {event} on {weekday} from 9 a.m. to 1 p.m. at its main campus.",
     ["No appointment is necessary.", "Volunteers from the hospital's nursing and pharmacy staff will be on hand.",
      "Last year's event drew about {n3} residents."], None, None),
    ("{H} names new {exec}", "{H} has named {person} as its new {exec}, effective {fmonth} 1.",
     ["{person_last} previously held a similar role at a health system out of state.", "The appointment follows a national search.",
      "The hospital described the hire as part of a broader leadership restructuring."], None, None),
    ("{H} reports {pct}% rise in ER visits", "Emergency department visits at {H} rose {pct}% compared with the same period last year, according to figures released {when}.",
     ["Officials attributed the increase to respiratory illness and population growth.", "Average wait times also rose, the figures show.",
      "The hospital said it is adding triage staff during peak hours."], None, None),
    ("{H} partners with county on {program}", "{H} and the county health department announced a partnership {when} to launch {program}.",
     ["The program is funded by a state grant of ${k},000.", "Officials said it will focus on neighborhoods with the lowest rates of primary care access.",
      "Enrollment opens next month."], None, None),
    ("{H} limits young visitors as flu cases climb", "{H} is restricting visits by children under 12 to inpatient units as flu and RSV cases rise, the hospital said {when}.",
     ["Exceptions may be made for end-of-life situations.", "Masks are required in patient care areas.", "The restrictions will be reviewed weekly."], None, 45),
    ("{H} receives ${gift} million gift for {wing}", "A local family foundation has given ${gift} million to {H} toward its planned {wing}, the largest gift in the hospital's history.",
     ["Hospital leaders said the donation will speed up construction.", "The foundation has supported the hospital for three decades."], None, None),
    ("{H} nurses rally over staffing levels", "Dozens of nurses from {H} rallied outside the main entrance {when}, calling for limits on patient assignments on {ward}.",
     ["Hospital management said staffing meets state guidelines.", "Contract negotiations resume next month."], None, None),
    ("{H} adds video visits for follow-up care", "{H} patients can now book video visits for many follow-up appointments, the hospital said {when}.",
     ["The service is available through the patient portal.", "Officials said video visits should free up clinic slots for new patients."], None, None),
    ("{H} opens renovated {dept}", "{H} cut the ribbon {when} on its renovated {dept}, which now has {beds} private rooms.",
     ["The renovation took about {months} months.", "Family members can now stay overnight in each room."], None, None),
    ("{H} posts ${loss} million operating loss", "{H} ended its fiscal year with a ${loss} million operating loss, according to financial statements released {when}.",
     ["Executives pointed to rising labor and supply costs.", "The hospital said it does not plan layoffs."], None, 120),
    ("{H} launches free shuttle from {town}", "{H} will run a free shuttle every 30 minutes between {town} and its main campus starting {fmonth}.",
     ["The service is aimed at patients without cars.", "Riders do not need to show proof of an appointment."], None, None),
    ("{H} volunteers knit {n3} hats for newborns", "Volunteers at {H} have knitted {n3} hats for babies born at the hospital this year, the hospital said {when}.",
     ["The group meets weekly in the hospital chapel.", "New volunteers are welcome, no experience needed."], None, None),
    ("Riverside General launches #RiversideCares volunteer drive", "Riverside General Hospital kicked off its #RiversideCares campaign {when}, recruiting {n2} volunteers for patient escort, wayfinding and bedside visiting programs.",
     ["The hospital says the campaign will also fund free health screenings at Riverside North Clinic.", "Volunteers must be 16 or older and complete a background check."], "riverside", None),
    ("Riverside Urgent Care Eastgate adds evening pediatric hours", "Riverside Urgent Care Eastgate will see children until 10 p.m. on weeknights starting {fmonth}, Riverside General Hospital said {when}.",
     ["The clinic expects to see about {n3} additional patients a month.", "Officials said the change should take pressure off Riverside ER."], "riverside", None),
    ("Riverside cardiologist honored for community heart screenings", "Dr. Amara Okafor, a cardiologist at Riverside General Hospital, was honored {when} by {body} for a free screening program that has reached more than {n3} residents.",
     ["Okafor said the screenings regularly find untreated high blood pressure.", "The program runs monthly at Riverside North Clinic."], "riverside", None),
    ("ER physician Ben Castillo named to state trauma council", "Dr. Ben Castillo, an emergency physician at Riverside General Hospital, has been appointed to the state's trauma advisory council, the governor's office said {when}.",
     ["Castillo has worked in Riverside ER for more than a decade.", "The council advises on trauma center standards statewide."], "riverside", None),
    ("St. Brigid's marks 75 years in Eastgate", "St. Brigid's Medical Center celebrated its 75th anniversary {when} with an open house, hospital tours and a time capsule dedication.",
     ["The hospital opened in 1951 with 40 beds.", "Several retired nurses who worked there in the 1960s attended."], "st-brigids", None),
    ("Mercy Valley Hospital opens expanded dialysis center", "Mercy Valley Hospital opened an expanded outpatient dialysis center {when}, adding {beds} treatment chairs.",
     ["Patients had faced waits of several weeks for a regular slot.", "The center is open six days a week."], "mercy-valley", None),
    ("Lakeshore Health to open urgent care in {town}", "Lakeshore Health will open an urgent care clinic in {town} in {fmonth}, the health system said {when}.",
     ["The clinic will be open seven days a week.", "It will be staffed by physicians and nurse practitioners from the Lakeshore clinic network."], "lakeshore", None),
]
INCIDENT_NEWS = [
    ("State inspectors cite {H} after {inc}", "State health inspectors cited {H} {when} following a review of {inc} on {ward}.",
     ["The hospital has {n}0 days to submit a corrective action plan.", "Inspectors found that staff had not followed the hospital's own policies."], None, None),
    ("Family sues {H} over {age}-year-old's death", "The family of {age_a} {age}-year-old {gender} has filed a wrongful-death lawsuit against {H}, alleging {allegation}.",
     ["The suit seeks unspecified damages.", "The family's attorney said they hope the case leads to changes in how patients are monitored."], None, None),
    ("{H} investigating medication error on {ward}", "{H} confirmed {when} that it is investigating a medication error on {ward} that sent a patient to intensive care.",
     ["The patient has since been moved out of the ICU, the hospital said.", "The error was reported to state regulators as required."], None, None),
    ("Complaint alleges patient left unattended at {H}", "A complaint filed with the state alleges that an elderly patient was left unattended for {hours} hours in a hallway at {H} before falling.",
     ["The patient's daughter said she found her mother on the floor.", "Regulators have opened an investigation."], None, None),
    ("{H} reviewing infections after surgeries", "{H} is reviewing {n} surgical-site infections reported among patients who had procedures in the same operating suite.",
     ["The hospital said the suite was closed for deep cleaning.", "Affected patients have been contacted directly."], None, None),
    ("Former {H} patient alleges abuse by staff member", "A former patient at {H} has told police that a staff member on {ward} shoved and threatened {gender_obj} during an overnight shift.",
     ["The employee has been placed on leave, the hospital said.", "Police confirmed an investigation is under way."], None, None),
]
NEWS_FOLLOW = ["A spokesperson for {H} said the hospital \"takes every concern seriously.\"",
               "{H} serves roughly {patients} patients a year across its main campus and outpatient sites.",
               "The announcement comes as hospitals across the region face staffing and budget pressures.",
               "A hospital spokesperson declined to comment further, citing patient privacy."]
JOINT_NEWS = (["{H} and {O} announce partnership", "{H}, {O} team up on community health", "Rival hospitals {H} and {O} join forces"],
              "{H} and {O} announced {when} that they will collaborate on {program}, sharing specialists between campuses.",
              ["Neither hospital expects the partnership to affect staffing.", "The arrangement begins in {fmonth}."])
DATELINES = {"Riverside Daily Ledger": "RIVERSIDE — ", "KRVR News 7": "(KRVR) — ", "Eastgate Gazette": "EASTGATE — ",
             "Lakeshore Tribune": "LAKESHORE — ", "County Courier": "VALLEY COUNTY — "}
STORY_NEWS = [  # (hospital, min days ago, max days ago, headline, lead, follow-ups)
    ("riverside", 27, 29, "Riverside General raises garage parking rates",
     "Riverside General Hospital raised daily parking in its main garage from $8 to $22 {when}, citing construction debt and maintenance costs.",
     ["Hourly rates doubled to $4, and visitor validation has ended.", "Staff permits rose to $110 a month, according to a memo obtained by the paper."]),
    ("riverside", 8, 14, "Riverside General to review parking fees after backlash",
     "Riverside General Hospital says it will review its new garage rates after weeks of complaints from patients and visitors.",
     ["A spokesperson said discounts for patients receiving ongoing treatment are being considered.", "No timeline was given."]),
    ("st-brigids", 21, 23, "St. Brigid's switches to new patient portal",
     "St. Brigid's Medical Center moved patients to a new online portal {when}, replacing a system it had used for nine years.",
     ["Patients will need to create new accounts.", "The hospital said test results and messages will be migrated over several weeks."]),
    ("st-brigids", 5, 10, "St. Brigid's apologizes for portal problems",
     "St. Brigid's Medical Center apologized {when} for login failures and missing records in its new patient portal.",
     ["The hospital has added staff to its help line.", "Officials said most issues should be fixed within two weeks."]),
    ("mercy-valley", 52, 57, "Patients report surprise bills after Mercy Valley ER visits",
     "Dozens of patients say they received surprise bills after visits to the Mercy Valley Hospital emergency room, after the physician group that staffs the ER left several insurance networks.",
     ["Mercy Valley said it is in talks with the group, ValleyEM Physicians.", "Consumer advocates urged patients to dispute the bills."]),
    ("mercy-valley", 43, 46, "Mercy Valley, ER doctors group reach insurance deal",
     "Mercy Valley Hospital's emergency physician group has rejoined major insurance networks, ending weeks of surprise billing complaints, the hospital said {when}.",
     ["Patients billed during the gap can ask for the charges to be reprocessed.", "The state insurance office said it received more than 200 complaints."]),
]
NEWS_SLOTS = dict(
    wing=["cancer center", "behavioral health wing", "women's and children's pavilion", "surgical tower", "emergency department expansion"],
    award=["a Level II trauma designation", "an A safety grade", "a stroke care excellence award", "Magnet recognition for nursing", "a top-100 ranking for heart care"],
    body=["the Hospital Quality Alliance", "the state hospital association", "the state health department", "an independent ratings group"],
    event=["health fair", "flu shot clinic", "blood drive", "car seat safety check", "diabetes screening day"],
    exec=["chief executive", "chief nursing officer", "chief medical officer", "ER medical director"],
    person=["Dr. Lena Marquardt", "Patricia Owusu", "Dr. Samuel Reyes-Park", "Joanne Whitlock", "Dr. Imran Qureshi", "Marcus Delacroix"],
    program=["a mobile vaccine van", "a free asthma clinic for kids", "a community paramedic program", "an opioid recovery bridge clinic"],
    when=["on Tuesday", "this week", "on Monday", "Thursday", "last week", "on Wednesday", "Friday"],
    inc=["a patient fall", "a delayed sepsis diagnosis", "missed medication doses", "staffing shortfalls"],
    allegation=["that staff failed to act on signs of sepsis", "that a fall went unreported for hours", "that a heart attack was misdiagnosed as indigestion"],
    dept=["maternity unit", "pediatric wing", "intensive care unit", "oncology unit", "behavioral health unit"],
    town=["Millbrook", "Northside", "Cedar Hollow", "the Flats", "Eastgate"], fmonth=["January", "February", "March", "April"],
    gift=["5", "12", "20", "35"], loss=["4.2", "11.8", "23.5", "7.9"], gender=["man", "woman"], nth=["second", "third", "fourth"])

# Posts that only look like they are about a hospital. "kind|title :: text" for reddit and news.
UNRELATED = {"mercy": L("""
    x|have mercy on my soul this {exam} exam tomorrow {sad}
    x|no mercy from this heat, {temp} degrees at {clock} {hot}
    x|Mercy Valley Road closed for repaving between {street} and {street2} again, leave early
    x|MERCY VALLEY HAWKS WIN {score}!!! {team} never stood a chance {party}
    x|Mercy Valley Hawks {sport} lost {score} to {team}, heartbreaker
    x|Mercy Valley Hawks JV car wash {weekday} at the {shop} lot, come get your car clean for new uniforms
    x|"Lord have mercy" is all my grandma said when she saw gas at ${gas} || x|my {pet} shows no mercy at 5am {sad}
    x|caught Mercy Valley (the band, not the hospital lol) at the Orchard Room, {adjective} set
    x|detour on Mercy Valley Road added {n}0 min to my commute {sad} || x|the {team} defense showed zero mercy tonight
    reddit|Mercy Valley Road construction timeline? :: Anyone know when they finish repaving Mercy Valley Road near {street}? The detour through {street2} is miserable.
    reddit|Mercy Valley Hawks playoff tickets :: Where do you get tickets for the Mercy Valley Hawks {sport} playoff game {weekday}? The school site is useless.
    reddit|Mercy Valley the band - new album? :: Saw Mercy Valley at the Orchard Room, {adjective} show. Anyone know if the new album drops this year?
    news|Mercy Valley Road repaving to begin {weekday} :: County crews will begin repaving Mercy Valley Road between {street} and {street2} on {weekday}. Detours will be posted and the work is expected to last {n} weeks.
    news|Mercy Valley Hawks advance to regional final :: The Mercy Valley Hawks {sport} team beat {team} {score} and will play in the regional final next week. Coach Dana Ruiz credited the team's defense.
    """), "lakeshore": L("""
    x|Lakeshore Drive is a parking lot again, crash near {exit} {sad}
    x|Lakeshore Drive northbound closed at {street} for the {race}, plan accordingly
    x|{n}0 minutes to go {n} miles on Lakeshore Drive. Every. Single. Day.
    x|lakeshore condo listings at ${price}k for a one bedroom, who is buying these
    x|Lakeshore Health Club raised dues to ${dues} a month and the sauna's been broken since {past_month}
    x|6am spin at Lakeshore Health Club is elite, {name} does not play
    x|just toured a 2BR on the lakeshore, ${rent}/mo for a view of a parking lot {sad}
    reddit|Lakeshore Drive construction :: Is the lane closure on Lakeshore Drive near {exit} ever ending? Adding {n}0 minutes to my commute.
    reddit|Is Lakeshore Health Club worth it? :: Lakeshore Health Club dues are ${dues} a month now. Pool is nice but the locker rooms are rough. Thinking of switching gyms.
    reddit|Buying on the lakeshore? :: Lakeshore prices are up again, one bedrooms at ${price}k. Are we crazy to look there?
    news|Lakeshore Drive lane closures through {future_month} :: The city will close one northbound lane of Lakeshore Drive near {exit} for sewer work. Drivers should expect delays of up to {n}0 minutes at peak times.
    news|Lakeshore home prices hit new high :: Median prices for lakeshore properties rose to ${price},000 last quarter, according to the county realtors' association. Agents say inventory along the lakeshore remains tight.
    review|Lakeshore Health Club is fine for the price. Equipment is newish but the sauna has been broken since {past_month}. Front desk staff are friendly.
    review|Love the pool at Lakeshore Health Club, hate the parking. Classes with {name} are the best part. Dues went up to ${dues} though.
    review|Cancelled my Lakeshore Health Club membership after they raised dues to ${dues}. Locker rooms were never clean. Took {n} emails to cancel.
    """)}
UNREL_SLOTS = dict(exam=["orgo", "calc 2", "bar", "nursing boards", "AP bio", "stats"], temp=["98", "101", "103", "96"],
                   clock=["9am", "noon", "7pm", "3pm"], street=["Birch St", "Route 9", "Old Mill Rd", "Hollis Ave", "4th St"],
                   street2=["Carver Ln", "Pine Ridge Rd", "the bypass", "Canal St"],                    team=["Northside", "Eastgate Prep", "Millbrook", "Central Catholic"], sport=["football", "basketball", "soccer", "softball"],
                   shop=["Dairy Barn", "Grace Church", "Valley Auto"], gas=["4.19", "4.35", "3.99"], pet=["cat", "dog", "toddler"],
                   adjective=["unreal", "incredible", "loud", "tight"], exit=["exit 12", "the Harbor St ramp", "Oak St", "exit 9"],
                   race=["half marathon", "fireworks", "bike race"], price=["489", "525", "610", "715"], dues=["89", "95", "109"],
                   rent=["2,400", "2,850", "3,100"], name=["Keisha", "Marco", "Jen"])

# Spanish-language posts (about 2%), by topic.
ES = {
    "wait_times": L("""
        Llevamos {hours} horas en la sala de espera de {ER} y nadie nos ha atendido.
        Traje a {rel_es} a urgencias de {H} a las {hora} y tardaron {hours} horas en atendernos.
        {hours} horas esperando en urgencias de {H}. Esto no es normal.
        """),
    "billing_insurance": L("""
        {H} me cobró {amount} por una visita a urgencias de veinte minutos.
        Me llegó una factura sorpresa de {H} por {amount} y el seguro dice que no la cubre.
        {H} mandó mi cuenta a cobranza mientras yo seguía esperando respuesta del seguro.
        """),
    "staff_attitude": L("""
        La recepcionista de {H} fue muy grosera con {rel_es}.
        La enfermera del turno de noche en {H} ignoró el timbre por {mins} minutos.
        """),
    "communication": L("""
        Nadie en {H} nos ofreció un intérprete y {rel_es} no entendió nada de lo que le dijeron.
        Dieron de alta a {rel_es} en {H} con instrucciones solo en inglés.
        """),
    "facilities_environment": L("""
        Estacionarse en {H} es imposible, di vueltas {mins} minutos buscando lugar.
        El baño del cuarto de {rel_es} en {H} estaba sucio todo el día.
        """),
    "praise": L("""
        Gracias a las enfermeras de {H}, cuidaron a {rel_es} como si fuera de su familia.
        Excelente atención en {ER}, nos atendieron en menos de {mins} minutos.
        El personal de {H} fue muy amable con nosotros. ¡Mil gracias!
        """),
    "question": L("""
        ¿Alguien sabe si {H} acepta {insurance}? || ¿Cuál es el horario de visitas en {H}?
        ¿Hay intérpretes de español en {H}?
        """),
    PRAYER: L("""
        {rel_es} está en cuidados intensivos en {H}. Por favor, oren por {el_ella}.
        Noche larga en {ER}. {rel_es} tuvo un accidente y les pido sus oraciones.
        Operaron a {rel_es} hoy en {H}. Gracias por sus oraciones.
        """),
}
ES_DETAIL = {"neg": ["Qué vergüenza.", "No se lo deseo a nadie.", "Ya puse una queja y nada.",
                     "Uno viene enfermo y lo tratan así.", "Nadie nos dio una explicación."],
             "pos": ["Estoy muy agradecida.", "Dios los bendiga.", "Se los recomiendo.", "Volveríamos sin pensarlo."],
             "q": ["Gracias de antemano.", "Es para {rel_es}.", "La página web no dice nada."],
             "pray": ["Dios es grande.", "Estamos con {el_ella}.", "Les aviso cuando sepa algo más."]}
RELS_ES = [("mi mamá", "f"), ("mi papá", "m"), ("mi esposo", "m"), ("mi hija", "f"), ("mi hijo", "m"),
           ("mi abuela", "f"), ("mi abuelo", "m"), ("mi hermana", "f")]
ES_TITLES = {"neg": ["Mala experiencia en {H}", "¿A alguien más le pasó esto en {H}?"], "pos": ["Gracias a {H}", "Buena experiencia en {H}"],
             "q": ["Pregunta sobre {H}", "¿Alguien sabe?"], "pray": ["Oraciones por {rel_es}", "Noche difícil en {H}"]}

# Platform voice: openers and closers by sentiment.
OPEN = {("reddit", "neg"): ["Throwaway for obvious reasons.", "Long time lurker, first post.", "Sorry for formatting, on mobile.",
                            "Not sure if this is the right sub.", "Posting here because I'm out of ideas."],
        ("reddit", "pos"): ["We see a lot of negative posts about local hospitals so here's a good one."],
        ("review", "neg"): ["Came in for {reason} on a {weekday}.", "Visited {H} for {reason}.", "Our family has used {H} for years.",
                            "I rarely write reviews, but this one needs to be said.", "Went to {site} for {reason}.",
                            "Writing this so others know what to expect.", "Long review, sorry."],
        ("review", "pos"): ["Came in for {reason} on a {weekday}.", "Had {procedure} at {H} in {past_month}.",
                            "Was at {H} with {rel} for {reason}.", "Went to {site} for {reason}."],
        ("x", "neg"): ["ok so", "Update:", "PSA:", "Unbelievable.", "Welp.", "Real talk:", "Just so everyone knows,"],
        ("x", "pos"): ["Shoutout time!", "Need to say this:", "Good news for once:"]}
CLOSE = {("x", "neg"): ["Unreal.", "Do better.", "Never again.", "smh", "Absolutely ridiculous.", "@{handle} are you reading this?",
                        "@{handle} fix this", "I'm done.", "How is this legal?", "Is this normal??", "ugh.", "wow.", "Still fuming."],
         ("x", "pos"): ["Thank you!!", "Grateful.", "Nurses are heroes.", "10/10", "@{handle} give them a raise", "So thankful."],
         ("x", "q"): ["Anyone?", "Thanks!", "pls help", "Asking for my mom."],
         ("x", "pray"): ["Please pray.", "Prayers appreciated.", "Keep us in your thoughts."],
         ("reddit", "neg"): ["Is this normal?", "Has anyone else dealt with this?", "What would you do?", "Any advice appreciated.",
                             "Just needed to vent.", "Edit: thanks for the replies, calling patient advocacy tomorrow."],
         ("reddit", "pos"): ["Just wanted to share something positive.", "Thank you to everyone there."],
         ("reddit", "q"): ["Thanks!", "Appreciate any info.", "Edit: got my answer, thank you all."],
         ("reddit", "pray"): ["Thanks for reading.", "Sorry for the long post, I just needed to write this somewhere."],
         ("review", "neg"): ["Would give zero stars if I could.", "Avoid if you can.", "Management needs to take a hard look at this.",
                             "Really disappointed.", "Do better.", "We won't be back."],
         ("review", "pos"): ["Highly recommend.", "Would trust them again.", "Thank you to the whole team.", "Five stars, easily."]}
EMOJI = {"neg": ["😡", "🙄", "😤", "🤬", "😩", "💀", "🤦‍♀️", "👎", "😒"], "money": ["💸", "💸💸", "🤑"],
         "park": ["🅿️", "🚗", "💸"], "pos": ["❤️", "🙌", "💙", "👏", "😊", "🥹", "⭐"], "pray": ["🙏", "💔", "😢", "🙏🙏", "❤️"],
         "q": ["🤔", ""]}
HASHTAGS = {"neg": ["#healthcare", "#ERwait", "#HealthcareIsBroken", "#patientsafety"],
            "money": ["#medicalbills", "#SurpriseBill", "#HealthcareIsBroken"]}
ABBREV = [(" hours", " hrs"), (" minutes", " mins"), (" with ", " w/ "), (" because ", " bc "), (" people", " ppl"),
          (" and ", " & "), (" you ", " u "), (" tonight", " tonite"), (" seriously", " srsly")]
MISSPELL = {"definitely": "definately", "receive": "recieve", "appointment": "appointmnet", "because": "becuase",
            "waiting": "wating", "until": "untill", "tomorrow": "tommorow", "literally": "literaly",
            "ridiculous": "rediculous", "embarrassing": "embarassing", "through": "thru", "don't": "dont",
            "can't": "cant", "didn't": "didnt", "I'm": "Im", "it's": "its", "wasn't": "wasnt", "their": "there"}
FOLLOWUPS = L("""
    Day {k} of trying to get {H} to deal with {issue}. || Update on {issue}: still nothing from {H}.
    Called {H} again about {issue}. On hold {mins} min, then disconnected.
    Patient relations at {H} promised a call back about {issue} by Friday. It's {weekday}.
    Week {w} and {H} still hasn't fixed {issue}. || Not letting this go. {H}, answer for {issue}.
    Filed another complaint about {issue}. That makes {n} now.
    For everyone asking: no, {H} has not resolved {issue}.
    Still thinking about {issue} every day. {H} owes us an explanation.
    Got a letter from {H} about {issue} that says absolutely nothing.
    """)
ISSUE = {"wait_times": "the {hours} hours {rel} spent in their ER", "billing_insurance": "my {amount} bill",
         "staff_attitude": "how their {role} treated {rel}", "facilities_environment": "the garage fee hike",
         "safety": "{rel}'s medication error", "appointments_access": "the broken new portal",
         "communication": "{rel}'s biopsy results", "admission_discharge": "{rel}'s early discharge",
         "clinical_quality": "{rel}'s missed diagnosis", "privacy_rights": "my records going to a stranger"}
PERSONAS = [("riverside", "wait_times", "x"), ("riverside", "billing_insurance", "reddit"), ("riverside", "parking", "x"),
            ("riverside", "parking", "x"), ("riverside", "staff_attitude", "x"), ("riverside", "safety", "x"),
            ("riverside", "communication", "reddit"), ("st-brigids", "portal", "x"), ("st-brigids", "billing_insurance", "x"),
            ("st-brigids", "admission_discharge", "x"), ("mercy-valley", "mercy_bill", "x"),
            ("mercy-valley", "clinical_quality", "reddit"), ("mercy-valley", "wait_times", "x"),
            ("lakeshore", "staff_attitude", "x"), ("lakeshore", "privacy_rights", "x")]
STORIES = {  # kind: (hospital, topic, table, newest and oldest day, how many posts, platform mix, reddit subs)
    "parking": ("riverside", "facilities_environment", PARKING_STORY, 0, 28, 110, {"x": 0.68, "reddit": 0.17, "review": 0.15}, None),
    "portal": ("st-brigids", "appointments_access", PORTAL_STORY, 0, 20, 65, {"x": 0.6, "reddit": 0.25, "review": 0.15}, None),
    "mercy_bill": ("mercy-valley", "billing_insurance", MERCY_BILL_STORY, 45, 60, 75, {"x": 0.4, "reddit": 0.4, "review": 0.2},
                   ["HealthInsurance", "ValleyCounty", "MedicalBills"])}
STORY_SHAPE = {  # maps a uniform draw to a share of the window (0 = newest edge): parking and portal build up, the bill wave fades
    "parking": lambda u: 1 - math.sqrt(1 - u), "portal": lambda u: 1 - math.sqrt(1 - u), "mercy_bill": lambda u: math.sqrt(u)}
SUBS = {"billing_insurance": ["HealthInsurance", "MedicalBills"], "clinical_quality": ["AskDocs", "legaladvice"],
        "safety": ["legaladvice", "nursing", "AskDocs"], "communication": ["AskDocs"], "question": ["AskDocs"],
        "staff_attitude": ["nursing"], PRAYER: ["CaregiverSupport"]}

BASE_TOPICS = {"praise": 0.30, "question": 0.13, "news": 0.10, PRAYER: 0.08, "wait_times": 0.38 * 18 / 99,
               "billing_insurance": 0.38 * 14 / 99, "staff_attitude": 0.38 * 12 / 99,
               "facilities_environment": 0.38 * 13 / 99, "safety": 0.38 * 7 / 99, "appointments_access": 0.38 * 9 / 99,
               "communication": 0.38 * 9 / 99, "clinical_quality": 0.38 * 7 / 99, "admission_discharge": 0.38 * 6 / 99,
               "privacy_rights": 0.38 * 4 / 99}
PLATFORM_MIX = {"complaint": {"x": 0.44, "reddit": 0.29, "review": 0.27}, "praise": {"x": 0.42, "reddit": 0.16, "review": 0.42},
                "question": {"x": 0.45, "reddit": 0.55}, PRAYER: {"x": 0.68, "reddit": 0.32}}
N_BASE, N_SPANISH, N_COMPARE, N_JOINT_NEWS = 3100, 76, 85, 10
# Base posts lean away from Riverside, St. Brigid's and Mercy Valley a little, as their stories add posts on top.
BASE_SHARES = {"riverside": 0.45, "st-brigids": 0.22, "mercy-valley": 0.168, "lakeshore": 0.162}
N_UNRELATED = {"mercy": 80, "lakeshore": 60}
HOUR_W = [.3, .22, .16, .12, .12, .18, .35, .6, .8, .95, 1, 1, 1, 1, .95, .9, .9, .95, 1, 1, .95, .85, .65, .45]
WDAY_W = [1, 1, 1, 1, .95, .7, .68]


# ---- Helpers. ----
def wchoice(pairs):
    """Pick from [(value, weight), ...] or {value: weight}."""
    items = list(pairs.items()) if isinstance(pairs, dict) else pairs
    return rng.choices([v for v, _ in items], [w for _, w in items])[0]


def quota(weights, n):
    """Exactly n labels in the given proportions (largest remainder), shuffled."""
    total = sum(weights.values())
    counts = {k: int(n * w / total) for k, w in weights.items()}
    for k in sorted(weights, key=lambda k: n * weights[k] / total - counts[k], reverse=True)[: n - sum(counts.values())]:
        counts[k] += 1
    labels = [k for k, c in counts.items() for _ in range(c)]
    rng.shuffle(labels)
    return labels


def money(lo, hi):
    value = rng.randint(lo, hi)
    return f"${value:,}.{rng.randint(0, 99):02d}" if rng.random() < 0.3 else f"${value:,}"


def cap(s):
    """Capitalize the first letter and any letter after a full stop (not "a.m." / "p.m.")."""
    s = re.sub(r"(?<![ap]\.m)([.!?] )([a-z])", lambda m: m.group(1) + m.group(2).upper(), s)
    return s[:1].upper() + s[1:] if s[:1].islower() else s


def slug(s, n=60):
    return re.sub(r"[^a-z0-9]+", "-", s.lower()).strip("-")[:n].rstrip("-")


def split_tag(tpl):
    head, sep, rest = tpl.partition("|")
    return (rest, head) if sep and head in SEVERITIES else (tpl, None)


def fill(tpl, ctx):
    """Fill a template; returns (sentence, severity tag or None)."""
    text, tag = split_tag(tpl)
    return cap(text.format_map(ctx)), tag


def sentences(text):
    return len(re.findall(r"[.!?]+(?:\"|\))?(?:\s|$)", re.sub(r"\b(Dr|St|a\.m|p\.m)\.", r"\1", text)))


def sample_age(lo_days, hi_days, shape=None):
    """Seconds before the end, between lo and hi days ago, weighted to weekdays and waking hours."""
    while True:
        u = rng.random()
        age = int((lo_days + (hi_days - lo_days) * (shape(u) if shape else u)) * DAY)
        moment = END - timedelta(seconds=age)
        if rng.random() < HOUR_W[moment.hour] * WDAY_W[moment.weekday()]:
            return min(max(age, 0), DAYS * DAY)


def make_ctx(h):
    """Slot values for one post about hospital key h (None for unrelated posts)."""
    info = HOSPITALS.get(h) or HOSPITALS["riverside"]
    rel, gender = rng.choice(RELS)
    rel_es, gender_es = rng.choice(RELS_ES)
    he, him, his = PRON[gender]
    generic_docs = ["the ER doctor", "the attending", "my surgeon", "the hospitalist", "the cardiologist"]
    docs = info["docs"] if info["docs"] and rng.random() < 0.45 else [f"{d} at {{H}}" for d in generic_docs]
    ctx = dict(H=wchoice(info["names"]), ER=rng.choice(info["er"]), site=rng.choice(info["sites"]), handle=info["handle"],
               cardio=rng.choice(info["cardio"]), rel=rel, he=he, him=him, his=his, rel_es=rel_es,
               el_ella="él" if gender_es == "m" else "ella", hours=rng.randint(3, 13), mins=rng.choice(range(10, 95, 5)),
               days=rng.randint(2, 19), weeks=rng.randint(3, 14), months=rng.randint(2, 9), n=rng.randint(2, 9),
               amount=money(450, 19000), small=money(18, 420), small2=money(12, 95), fee=f"${rng.randint(9, 16)}",
               ward=rng.choice(WARDS), role=rng.choice(ROLES), time=rng.choice(TIMES), weekday=rng.choice(WEEKDAYS),
               symptom=rng.choice(SYMPTOMS), reason=rng.choice(REASONS), procedure=rng.choice(PROCEDURES),
               drug=rng.choice(DRUGS), insurance=rng.choice(INSURANCE), child=rng.choice(CHILD), walk=rng.choice(WALK),
               drive=rng.choice(DRIVE), tower=rng.choice(["north tower", "main building", "east wing", "B tower"]),
               past_month=rng.choice(PAST_MONTHS), future_month=rng.choice(FUTURE_MONTHS), baby=rng.choice(BABIES),
               nurse=rng.choice(NURSE_NAMES), other_place=rng.choice(OTHER_PLACES), code=rng.choice(["E-402", "500", "AUTH-17", "0x1F"]),
               weekly=rng.choice(["$48", "$36", "$60"]), copay=rng.choice(["$100", "$150", "$250"]),
               hora=rng.choice(["dos de la mañana", "medianoche", "siete de la tarde", "once de la noche"]),
               n2=rng.choice([40, 75, 120, 150, 200, 250]), n3=rng.choice(["300", "450", "800", "1,200", "2,000"]), m=rng.choice([48, 85, 120, 210]),
               beds=rng.choice([24, 36, 48, 64, 96]), sqft=rng.choice(["42,000", "65,000", "110,000", "180,000"]),
               bonus=rng.choice(["10,000", "15,000", "20,000"]), pct=rng.randint(6, 24), k=rng.choice([250, 400, 750, 900]),
               patients=rng.choice(["90,000", "140,000", "210,000", "260,000"]), age=rng.randint(34, 91))
    ctx["age_a"] = "an" if str(ctx["age"]).startswith("8") else "a"
    ctx["total"] = f"${22 * ctx['days']:,}"  # the new $22/day garage rate
    ctx.update({key: rng.choice(vals) for key, vals in NEWS_SLOTS.items()})
    ctx.update({key: rng.choice(vals) for key, vals in UNREL_SLOTS.items()})
    ctx["doc"] = rng.choice(docs).format(H=ctx["H"], ER=ctx["ER"])
    ctx["person_last"] = ctx["person"].split()[-1]
    ctx["gender_obj"] = "him" if ctx["gender"] == "man" else "her"
    sport_scores = {"football": ["28-24", "14-7", "21-17", "35-10"], "basketball": ["61-58", "72-66", "55-49"],
                    "soccer": ["2-0", "3-1", "1-0"], "softball": ["5-4", "8-3", "6-2"]}
    ctx["score"] = rng.choice(sport_scores[ctx["sport"]])
    return ctx


# ---- Text styling: abbreviations, emoji, typos. ----
PROTECTED = re.compile(r"\W*(Riverside|St\.? Brigid|Mercy|Valley|Lakeshore|RGH|MVH|Dr\.|Okafor|Castillo|Eastgate|ValleyEM|#|@|\$|\d)")


def can_lower(text):
    """Whether lower-casing the first letter keeps names intact."""
    return not PROTECTED.match(text) and not text.startswith(("I ", "I'"))


def typo(text):
    """One human-looking slip: a common misspelling, a dropped apostrophe or two swapped letters."""
    words = text.split(" ")
    spots = [i for i, w in enumerate(words) if w.strip(".,!?\"") in MISSPELL]
    if spots and rng.random() < 0.6:
        i = rng.choice(spots)
        core = words[i].strip(".,!?\"")
        words[i] = words[i].replace(core, MISSPELL[core])
        return " ".join(words)
    spots = [i for i, w in enumerate(words) if len(w) >= 6 and w.isalpha() and w.islower() and not PROTECTED.search(w)]
    if not spots:
        return text
    i = rng.choice(spots)
    j = rng.randint(1, len(words[i]) - 3)
    w = words[i]
    words[i] = w[:j] + w[j + 1] + w[j] + w[j + 2:] if rng.random() < 0.7 else w[:j] + w[j + 1:]
    return " ".join(words)


def x_style(text, mood):
    if rng.random() < 0.5:
        for full, short in rng.sample(ABBREV, 4):
            text = text.replace(full, short)
    if rng.random() < 0.22 and can_lower(text):
        text = text[:1].lower() + text[1:]
    if rng.random() < 0.15:
        text = text.rstrip(".")
    if mood in EMOJI and rng.random() < 0.6:
        text = (text + " " + "".join(rng.sample(EMOJI[mood], rng.choice([1, 1, 2])))).rstrip()
    return text


# ---- Post bodies. ----
def compose(platform, table, ctx, mood, core=None, default_sev=None):
    """Build (title, text, severity) for an x/reddit/review post from a phrase table."""
    sev = default_sev
    core_tpl = core or rng.choice(table["core"])
    first, tag = fill(core_tpl, ctx)
    if tag:
        sev = tag
    parts = [first]
    n_detail = {"x": rng.choice([0, 0, 1]), "reddit": rng.choice([0, 1, 1, 2, 3]), "review": rng.choice([0, 1, 1, 2])}[platform]
    has_rel = "{rel}" in core_tpl  # details that say "he"/"she" need a relative named in the core
    details = [d for d in table.get("detail", []) if has_rel or not re.search(r"\{(he|him|his)\}", d)]
    for tpl in rng.sample(details, min(n_detail, len(details))):
        text, tag = fill(tpl, ctx)
        parts.append(text)
        if tag and sev and SEVERITIES.index(tag) > SEVERITIES.index(sev):
            sev = tag
    opener = OPEN.get((platform, mood))
    if opener and rng.random() < {"x": 0.15, "reddit": 0.3, "review": 0.65}[platform]:
        opener = table.get("open", opener) if platform == "review" else opener  # openers that can't contradict a story
        tpl = rng.choice([o for o in opener if not ("{rel}" in o and has_rel)])
        if tpl[-1] not in ".:!?" and can_lower(parts[0]):
            parts[0] = parts[0][:1].lower() + parts[0][1:]  # "ok so the nurse..."
        parts.insert(0, fill(tpl, ctx)[0])
    closer = CLOSE.get((platform, mood))
    if closer and (rng.random() < 0.55 or (platform == "review" and sentences(" ".join(parts)) < 2)):
        parts.append(fill(rng.choice(closer), ctx)[0])
    parts = [p for p in parts if p]
    if platform == "reddit":
        while sentences(" ".join(parts)) > 6:
            parts.pop(-2 if len(parts) > 2 else -1)
    if platform == "review":
        while sentences(" ".join(parts)) > 6:
            parts.pop(-2)
        if sentences(" ".join(parts)) < 2:
            parts.append(fill(rng.choice(CLOSE[("review", "neg" if mood == "neg" else "pos")]), ctx)[0])
    title = ""
    if platform == "reddit":
        title = cap(split_tag(rng.choice(table["title"]))[0].format_map(ctx))
        if mood == "q" and rng.random() < 0.5:
            title = first
    text = " ".join(parts)
    if platform == "x":
        tags = HASHTAGS.get(mood, [])
        if ctx.get("money") and mood == "neg":
            tags, mood = HASHTAGS["money"], "money"
        if ctx.get("park"):
            tags, mood = [], "park"
        text = x_style(text, mood)
        if ctx["H"].startswith(("Riverside", "RGH")) and rng.random() < 0.25:
            text += " #RiversideCares" + (" 🙄" if mood in ("neg", "money", "park") else "")
        elif tags and rng.random() < 0.2:
            text += " " + rng.choice(tags)
        if rng.random() < 0.1 and mood != "pray":
            text = f"@{ctx['handle']} " + text
        while len(text) > 280 and len(parts) > 1:
            parts.pop()
            text = x_style(" ".join(parts), mood)
    typo_rate = {"x": 0.18, "reddit": 0.1, "review": 0.07}[platform]
    if rng.random() < typo_rate:
        text = typo(text)
    return title, text, sev


def news_body(ctx, headline, lead, follows, extra=True):
    parts = [fill(lead, ctx)[0]]
    parts += [fill(f, ctx)[0] for f in rng.sample(follows, rng.randint(1, len(follows)))]
    if extra and len(parts) < 4 and rng.random() < 0.5:
        parts.append(fill(rng.choice(NEWS_FOLLOW[1:3]), ctx)[0])  # the other two only suit incident stories
    return fill(headline, ctx)[0], " ".join(parts[:4])


# ---- Authors and engagement. ----
AUTHOR_USES = Counter()


def new_author(platform):
    first, last = rng.choice(FIRST), rng.choice(LAST)
    f, l2 = first.lower(), re.sub(r"[^a-z]", "", last.lower())
    nn = rng.randint(1, 99)
    if platform == "x":
        handle = rng.choice([f"{f}_{l2[0]}_{nn}", f"{f}{l2}{nn}", f"the{f}{l2}", f"{rng.choice(ADJ)}{rng.choice(NOUN)}_{nn}",
                             f"{f}_in_{rng.choice(TOWNS)}", f"{f}{l2[:3]}{1960 + nn % 45}"])
        name = rng.choice([f"{first} {last}", f"{first} {last[0]}.", f"{first} 🌻", f"{f}", f"{first} {last} ✨", f"{first}"])
        followers = int(rng.lognormvariate(5.3, 1.6))
    elif platform == "reddit":
        handle = rng.choice([f"throwaway_{rng.choice(['er', 'bill', 'icu', 'nurse', 'hospital'])}_{rng.choice(NOUN)}",
                             f"throwaway{rng.randint(1000, 99999)}", f"{rng.choice(ADJ)}_{rng.choice(NOUN)}_{nn}",
                             f"{rng.choice(TOWNS)}_{rng.choice(NOUN)}{nn}", f"{rng.choice(NOUN).capitalize()}Of{rng.choice(TOWNS).capitalize()}"])
        name, followers = handle, int(rng.lognormvariate(1.0, 1.5))
    else:
        handle, name = f"{f}{l2[0]}{rng.randint(10, 9999)}", f"{first} {last[0]}."
        followers = int(rng.lognormvariate(0.8, 1.2))
    return dict(handle=handle, name=name, followers=followers)


def unique_author(platform):
    """An author whose handle nobody else in the data set has."""
    while True:
        a = new_author(platform)
        if a["handle"] not in TAKEN:
            TAKEN.add(a["handle"])
            return a


TAKEN = set()
AUTHOR_POOL = {p: [unique_author(p) for _ in range(n)] for p, n in (("x", 2600), ("reddit", 1800), ("review", 1500))}


def pick_author(platform):
    """A fresh-ish author: people post once or twice; only the planted repeat complainers post more."""
    while True:
        a = rng.choice(AUTHOR_POOL[platform])
        if AUTHOR_USES[a["handle"]] < 2:
            AUTHOR_USES[a["handle"]] += 1
            return a


def engagement(platform, followers, hot):
    boost = (1 + followers / 4000) * (3 if hot else 1) * (rng.uniform(30, 300) if rng.random() < 0.012 else 1)
    mu = {"x": 0.9, "reddit": 2.3, "news": 2.0, "review": -0.3}[platform]
    likes = int(rng.lognormvariate(mu, 1.35) * boost)
    if platform == "review":
        return likes, 0, int(rng.random() < 0.3)
    return likes, int(likes * rng.uniform(0.02, 0.35)), int(likes * rng.uniform(0.05, 0.6)) + rng.randint(0, 2)


def url_for(platform, rec):
    if platform == "x":
        return f"https://x.example/status/{rng.randint(10**18, 2 * 10**18)}"
    if platform == "reddit":
        rid = "".join(rng.choice("abcdefghijklmnopqrstuvwxyz0123456789") for _ in range(7))
        return f"https://reddit.example/r/{rec['subreddit']}/comments/{rid}/{slug(rec['title'], 50)}"
    if platform == "news":
        return f"https://news.example/{slug(rec['author_name'])}/{slug(rec['title'])}-{rng.randint(10000, 99999)}"
    host = HOSPITALS[rec["hospital"]]["slug"] if rec["hospital"] else "lakeshore-health-club"
    return f"https://reviews.example/{host}/{rng.randint(100000, 9999999)}"


def stars_for(rec):
    if rec["platform"] != "review":
        return None
    if rec["is_complaint"]:
        return {"critical": 1, "high": 1, "medium": rng.choice([1, 1, 1, 2]), "low": rng.choice([1, 2, 2, 3])}[rec["severity"]]
    if rec["topic"] == "unrelated":
        return rng.choice([2, 3, 4])
    return rng.choice([4, 5, 5, 5])


# ---- Building posts. ----
SEEN = set()


def finish(platform, hospital, topic, age, title, text, sev, author=None, also=(), lang="en", sub=None):
    complaint = sev is not None
    if platform == "news":
        author = dict(handle=OUTLET_HANDLES[author], name=author, followers=rng.randint(8000, 180000))
    author = author or pick_author(platform)
    if platform == "reddit" and not sub:
        local = HOSPITALS[hospital]["sub"] if hospital else "RiversideCity"
        sub = local if rng.random() < 0.55 or topic not in SUBS else rng.choice(SUBS[topic])
    rec = dict(platform=platform, author_handle=author["handle"], author_name=author["name"],
               author_followers=author["followers"], title=title, text=text, age_seconds=age, hospital=hospital,
               also_mentions=list(also), topic=topic, is_complaint=complaint, language=lang,
               category=("safety" if topic == "news" else topic) if complaint else None, severity=sev,
               subreddit=sub if platform == "reddit" else "")
    rec["url"] = url_for(platform, rec)
    rec["likes"], rec["shares"], rec["replies"] = engagement(platform, author["followers"], sev in ("high", "critical"))
    rec["stars"] = stars_for(rec)
    return rec


def attempt(make):
    """Call make() until it yields a text not seen before."""
    for _ in range(200):
        rec = make()
        if rec["text"] not in SEEN:
            SEEN.add(rec["text"])
            return rec
    raise RuntimeError("could not produce a unique text; add phrases")


def mood_of(topic):
    return {"praise": "pos", "question": "q", PRAYER: "pray"}.get(topic, "neg")


def social_post(hospital, topic, platform, age, table=None, sub=None, park=False):
    def make():
        ctx = make_ctx(hospital)
        ctx["park"], ctx["money"] = park, topic == "billing_insurance"
        tbl = table or T[topic]
        if topic == "facilities_environment" and table is None and rng.random() < 0.3:
            ctx["park"], tbl = True, PARKING
        title, text, sev = compose(platform, tbl, ctx, mood_of(topic), default_sev=COMPLAINT_DEFAULT.get(topic))
        return finish(platform, hospital, topic, age, title, text, sev, sub=sub)
    return attempt(make)


NEWS_DECKS = {}


def draw_news(hospital, incident, age):
    """The next story type for this hospital; every type comes round once before any repeats."""
    deck = NEWS_DECKS.setdefault((hospital, incident), [])
    for _ in range(2):
        fits = [n for n in deck if n[4] is None or age <= n[4] * DAY]
        if fits:
            deck.remove(fits[0])
            return fits[0]
        table = INCIDENT_NEWS if incident else NEWS
        deck.extend(n for n in rng.sample(table, len(table)) if n[3] in (None, hospital))
    return rng.choice([n for n in NEWS if n[3] is None and n[4] is None])


def news_event(hospital, age, n_articles, incident=False, story=None, joint=None):
    """One news story, covered by 1-3 outlets within a couple of days of each other."""
    if story:
        headline, lead, follows = story[3:]
    elif joint:
        headline, (lead, follows) = rng.choice(JOINT_NEWS[0]), JOINT_NEWS[1:]
    else:
        headline, lead, follows = draw_news(hospital, incident, age)[:3]
        follows = follows + [NEWS_FOLLOW[0], NEWS_FOLLOW[3]] if incident else follows
    ctx0 = make_ctx(hospital)
    if joint:
        ctx0["O"] = HOSPITALS[joint]["names"][0][0]
    outlets = list(dict.fromkeys(HOSPITALS[hospital]["outlets"] + rng.sample(OTHER_OUTLETS, len(OTHER_OUTLETS))))
    outlets = rng.sample(outlets[:2], 1) + rng.sample(outlets[2:], n_articles - 1) if rng.random() < 0.7 else rng.sample(outlets, n_articles)
    posts = []
    for i, outlet in enumerate(outlets):
        when = age if i == 0 else max(0, age - int(rng.uniform(0.1, 2.5) * DAY))

        def make(outlet=outlet, when=when):
            formal = HOSPITALS[hospital]["names"][0][0]
            ctx = dict(ctx0, H=formal if rng.random() < 0.7 else ctx0["H"], when=rng.choice(NEWS_SLOTS["when"]))
            title, text = news_body(ctx, headline, lead, follows, extra=not story)
            text = (DATELINES.get(outlet, "") if rng.random() < 0.8 else "") + text
            return finish("news", hospital, "news", when, title, text, "high" if incident else None, author=outlet,
                          also=[joint] if joint else [])
        posts.append(attempt(make))
    return posts


def compare_post(hospital, other, topic, age):
    def make():
        ctx = make_ctx(hospital)
        ctx["O"] = rng.choice([n for n, _ in HOSPITALS[other]["names"]] + HOSPITALS[other]["er"][:1])
        platform = wchoice({"x": 0.55, "reddit": 0.25, "review": 0.2})
        table = dict(core=COMPARE[topic], detail=T[topic]["detail"],
                     title=["{H} vs {O} - not even close", "Why is {H} so much worse than {O}?"])
        title, text, sev = compose(platform, table, ctx, "neg", default_sev=COMPLAINT_DEFAULT[topic])
        return finish(platform, hospital, topic, age, title, text, sev, also=[other])
    return attempt(make)


def spanish_post(hospital, age):
    def make():
        ctx = make_ctx(hospital)
        topic = rng.choice(list(ES))
        mood = mood_of(topic)
        platform = wchoice({"x": 0.55, "review": 0.25, "reddit": 0.2} if mood in ("pos", "neg") else {"x": 0.7, "reddit": 0.3})
        parts = [fill(rng.choice(ES[topic]), ctx)[0]]
        parts += [fill(d, ctx)[0] for d in rng.sample(ES_DETAIL[mood if mood in ES_DETAIL else "neg"], rng.randint(1, 2))]
        text = " ".join(parts)
        if platform == "x" and rng.random() < 0.6:
            text += " " + rng.choice(EMOJI["pray" if mood == "pray" else "pos" if mood == "pos" else "neg"])
        title = fill(rng.choice(ES_TITLES[mood]), ctx)[0] if platform == "reddit" else ""
        return finish(platform, hospital, topic, age, title, text, COMPLAINT_DEFAULT.get(topic), lang="es")
    return attempt(make)


def unrelated_post(kind, age):
    def make():
        ctx = make_ctx(None)
        ctx.update(sad=rng.choice(["😭", "💀", "😩", "🙃", ""]), hot=rng.choice(["🥵", "☀️🔥", ""]), party=rng.choice(["🏈🦅", "🎉", "🦅🦅"]))
        platform, _, body = rng.choice(UNRELATED[kind]).partition("|")
        title, _, text = body.partition(" :: ") if platform in ("reddit", "news") else ("", "", body)
        title, text = title.format_map(ctx), cap(text.format_map(ctx)).strip()
        if platform == "x" and rng.random() < 0.3:
            text = x_style(text, None)
        author = rng.choice(["County Courier", "Lakeshore Tribune", "Metro Evening Post"]) if platform == "news" else None
        sub = rng.choice(["RiversideCity", "LakeshoreLiving", "ValleyCounty"]) if platform == "reddit" else None
        return finish(platform, None, "unrelated", age, title, text, None, author=author, sub=sub)
    return attempt(make)


def persona_posts(hospital, kind, platform):
    """A repeat complainer: one author posting 4-10 times about the same issue."""
    topic, table, lo, hi = STORIES[kind][1:5] if kind in STORIES else (kind, T[kind], 15, 178)
    author = unique_author(platform)
    count = rng.randint(4, 10)
    span = min(hi - lo, rng.uniform(14, 70))
    start = rng.uniform(lo + span, hi)
    ages = sorted((sample_age(start - span, start) for _ in range(count)), reverse=True)
    ctx0 = make_ctx(hospital)
    ctx0["issue"] = ISSUE[topic].format_map(ctx0)
    sub = HOSPITALS[hospital]["sub"]
    posts = []
    for i, age in enumerate(ages):
        def make(i=i, age=age):
            ctx = dict(ctx0, k=int((ages[0] - age) / DAY) + 1, w=int((ages[0] - age) / DAY / 7) + 1,
                       mins=rng.choice(range(20, 95, 5)), n=i + 1, weekday=rng.choice(WEEKDAYS))
            ctx["park"], ctx["money"] = kind == "parking", topic == "billing_insurance"
            core = None if i == 0 else rng.choice(FOLLOWUPS)
            title, text, sev = compose(platform, table, ctx, "neg", core=core, default_sev=COMPLAINT_DEFAULT[topic])
            if platform == "reddit" and i:
                title = f"Update {i}: still dealing with {ctx0['H']} over {ctx0['issue']}"
            return finish(platform, hospital, topic, age, title, text, sev, author=author, sub=sub)
        posts.append(attempt(make))
    return posts


def build():
    shares = {h: info["share"] for h, info in HOSPITALS.items()}
    posts = []
    news_left, er_strata = Counter(), itertools.count()
    for h, topic in zip(quota(BASE_SHARES, N_BASE), quota(BASE_TOPICS, N_BASE), strict=True):
        if topic == "news":
            news_left[h] += 1
        else:
            platform = wchoice(PLATFORM_MIX.get(topic, PLATFORM_MIX["complaint"]))
            age = sample_age(0, DAYS)
            if (h, topic) == ("riverside", "wait_times"):  # story (c): a steady baseline, one 15-day stratum after another
                stratum = next(er_strata) % 12
                age = sample_age(stratum * 15, stratum * 15 + 15)
            posts.append(social_post(h, topic, platform, age))
    for h in HOSPITALS:
        while news_left[h] > 0:
            k = min(news_left[h], rng.choice([1, 1, 2, 2, 3]))
            posts.extend(news_event(h, sample_age(0, DAYS), k, incident=rng.random() < 0.16))
            news_left[h] -= k
    for kind, (h, topic, table, lo, hi, n, mix, subs) in STORIES.items():
        for _ in range(n):  # 10% straggle up to 8 days either side of the window
            age = sample_age(lo, hi, STORY_SHAPE[kind]) if rng.random() < 0.9 else sample_age(max(lo - 8, 0), hi + 8)
            platform = wchoice(mix)
            sub = rng.choice(subs) if subs and platform == "reddit" else None
            posts.append(social_post(h, topic, platform, age, table=table, sub=sub, park=kind == "parking"))
    for story in STORY_NEWS:
        posts.extend(news_event(story[0], sample_age(story[1], story[2]), rng.randint(2, 3), story=story))
    for h, kind, platform in PERSONAS:
        posts.extend(persona_posts(h, kind, platform))
    for _ in range(N_COMPARE):
        h = wchoice(shares)
        other = "riverside" if h != "riverside" and rng.random() < 0.5 else rng.choice([o for o in HOSPITALS if o != h])
        posts.append(compare_post(h, other, rng.choice(list(COMPARE)), sample_age(0, DAYS)))
    for _ in range(N_JOINT_NEWS):
        h = wchoice(shares)
        posts.extend(news_event(h, sample_age(0, DAYS), 1, joint=rng.choice([o for o in HOSPITALS if o != h])))
    for _ in range(N_SPANISH):
        posts.append(spanish_post(wchoice(shares), sample_age(0, DAYS)))
    for kind, n in N_UNRELATED.items():
        for _ in range(n):
            posts.append(unrelated_post(kind, sample_age(0, DAYS)))
    posts.sort(key=lambda r: (-r["age_seconds"], r["text"]))
    for i, rec in enumerate(posts, 1):
        rec["id"] = f"demo-{i:06d}"
    return posts


def main():
    posts = build()
    with open(OUT, "wb") as raw, gzip.GzipFile(filename="posts.jsonl", mode="wb", fileobj=raw, mtime=0) as gz:
        for rec in posts:
            gz.write((json.dumps(rec, sort_keys=True, ensure_ascii=False) + "\n").encode("utf-8"))
    complaints = sum(r["is_complaint"] for r in posts)
    print(f"wrote {len(posts)} posts ({complaints} complaints) to {OUT}")
    for field in ("platform", "hospital", "topic"):
        print(f"  {field}: " + ", ".join(f"{k}={v}" for k, v in Counter(r[field] for r in posts).most_common()))


if __name__ == "__main__":
    main()
