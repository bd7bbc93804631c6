# ruff: noqa: E501  (data: one post per line reads better than wrapped strings)
"""Second round of complaint cores, written for the boundaries the category head confuses most.

Same format as phrasebank_complaints.py ("<severity letter>|<template>", optional "US:"/"UK:" prefix).
Each line is a new phrasing on one side of a documented boundary (docs/taxonomy.md): an error in doing
care (safety) vs a poor clinical judgement (clinical_quality); contempt (staff_attitude) vs not told or
not listened to (communication) vs the building (facilities_environment); waiting to be seen
(wait_times) vs for a bed (admission_discharge) vs an appointment that cannot be had
(appointments_access); confidentiality, consent and discrimination (privacy_rights) vs information
(communication) vs money (billing_insurance). Written in the voices real posts use: terse tweets, long
Reddit posts, star reviews, British and American wording, slang and the odd typo. build_labelled_posts.py
renders these with their own random stream so the earlier rows (and their held-out split) do not move.
"""

SAFETY = """
M|the HCA took my obs then went straight to the next bed without gel or gloves. in a covid bay. come on
H|{Rel} is nil by mouth on a sign above {his} bed and someone still brought {him} a full breakfast and fed {him} it.
H|Found {rel}'s morning tablets on the floor under the bed at teatime. So {he} never had them, did {he}?
H|Pharmacy label said twice a day, the chart said once, the nurse gave it three times. Nobody can tell me which is right.
US:H|Night nurse hooked up a potassium drip way too fast, my mom's heart rate went haywire and they had to call a rapid response.
H|Three patients in one bay and one confused man kept climbing out of bed all night. Not a single member of staff in sight for an hour.
M|Sharps all over the treatment room counter and the bin lid hanging off. Kids walk past that room.
H|They put mum in a bed that hadn't been cleaned after the last patient, who had MRSA. We saw the sign come down.
H|{Rel} choked on a sandwich because nobody read the swallowing plan that said soft diet only.
H|No one answered the buzzer and {rel} tried to get to the loo alone. Fractured wrist. It's in {his} notes that {he}'s a falls risk.
H|Heparin and enoxaparin both given the same evening. Double anticoagulated and now a massive bleed on {his} leg.
M|Syringe driver beeping empty for ages and the nurse just pressed silence and walked off.
H|Baby tag alarm on the maternity ward has been broken for weeks and anyone can walk in.
H|Agency staff didn't know {rel} had a pacemaker and tried to send {him} for an MRI.
US:C|They gave my dad insulin meant for the guy in the next bed. Blood sugar crashed, seizure, now he's in the ICU.
H|Pulled the wrong tooth. The dentist literally took out a healthy one and left the rotten one.
M|Visitors wander in and out of the isolation rooms with no aprons or masks and nobody stops them.
H|They didn't do the blood thinner injections after {his} op and {he} ended up with a clot in {his} leg. It's on their own checklist.
H|Staffing so thin on nights that the one nurse had to choose between the patient on the floor and the one vomiting.
H|Post op, oxygen sats in the 80s, the monitor was unplugged because it "kept alarming". Unreal.
C|Nan was left on a bedpan for two hours and developed a grade 4 pressure sore that went septic. She died last week.
US:H|Wrong side marked on my chart before my hernia repair. I had to point out it was the left, not the right, while they were prepping me.
"""

CLINICAL_QUALITY = """
M|Saw four different doctors about my headaches and not one of them sent me for a scan. Turned out to be a tumour.
US:M|Urgent care diagnosed strep without even swabbing me. Antibiotics did nothing, it was mono.
H|Told my baby's rash was eczema for months. It was a serious allergy and she was failing to thrive.
M|The consultant decided on a plan in two minutes without reading my history. The plan made me worse.
M|Post op pain was 9 out of 10 and all I got offered was paracetamol. Nobody reviewed it for two days.
M|Physio discharged me after two sessions when I still couldn't lift my arm above my shoulder.
M|Had my wisdom teeth out and the dentist left a fragment. Dry socket and infection for weeks.
M|They said my son's limp was growing pains. It's a slipped hip and now needs pins.
H|Midwives dismissed my reduced movements twice and sent me home. Emergency delivery the next day.
US:M|My psychiatrist changed my meds three times in a month without ever asking how the first one went.
L|The GP just read out of a textbook and didn't actually look at my ankle.
M|Been diagnosed with IBS by three doctors without a single test. It was coeliac all along.
M|The wound was stitched so badly it opened when I got home. Had to have it redone at {gp}.
M|{Rel} has had a UTI four times this year and nobody has ever sent off a sample to see which antibiotic works.
H|{ae} read {his} x-ray as normal. Radiology rang a week later to say it was fractured after all.
M|Cataract op left my vision blurrier than before and the surgeon says it's "within normal limits".
M|Asked repeatedly for a referral for my son's speech. GP kept saying wait and see. Now he's 5 and way behind.
L|Nurse practitioner didn't listen to my chest, just said it's viral and to drink fluids.
M|honestly the quality of the doctors at {hosp} is shocking. every diagnosis is a guess
H|Cardiologist told me my palpitations were caffeine. A heart monitor at another hospital picked up an arrhythmia within a day.
M|My epidural never worked properly and the anaesthetist wouldn't come back to check it. Felt everything.
US:M|Ortho put me in a boot for a "sprain" for six weeks. Second opinion found a torn ligament that now needs surgery.
"""

STAFF_ATTITUDE = """
M|Asked the receptionist a simple question and she literally turned her back on me mid sentence.
M|the nurse called my mum "a bed blocker" to her face. she's 89.
M|Consultant rolled his eyes when I said I'd read up on my condition. Patronising git.
US:M|The charge nurse was straight up hostile, arms crossed, told us visiting hours are "not a suggestion".
M|Such a cold, unkind manner from the doctor. No empathy at all when giving bad news.
M|A healthcare assistant told my dad to "just go in the pad" because she couldn't be bothered to take him to the toilet.
M|The anaesthetist made fun of my weight while I was lying on the table. Humiliating.
M|Receptionist muttered "time waster" as I walked away from the desk. I heard it.
M|Staff nurse was openly mocking a confused patient in the next bed. Laughing with her colleague.
M|GP was so impatient, kept looking at the clock and tapping the desk while I talked.
M|One of the nurses was rough and huffy every time she had to help me. Made me feel like a burden.
M|The paramedic told my anxious daughter to "get a grip" during a panic attack.
US:M|The ER doc treated my husband like a junkie because of his tattoos. Disgusting attitude.
M|Honestly the bedside manner on {ward} is non existent. Nobody says good morning, nobody smiles.
M|Surgeon was arrogant and dismissive, told me he didn't have time for "silly questions".
M|Receptionist shouted "NEXT" and then had a go at me for not hearing. I have hearing aids.
L|Not the friendliest bunch at the front desk. Bit of a grumpy welcome every time.
M|The midwife was huffing and puffing at me all night like my labour was inconveniencing her.
M|Doctor spoke to me like I was a child and then laughed with the student about it.
M|1/5 for the attitude alone. The staff at {hosp} act like they're doing you a favour.
"""

COMMUNICATION = """
M|Ward told us {rel} was "comfortable". Turned out {he}'d been moved to intensive care hours earlier.
M|Nobody explained the side effects of the chemo. Found out from a Facebook group.
M|The consultant's letter to my GP said the opposite of what he told me in clinic.
M|Dad's been in for a week and we still don't know what's actually wrong. Every nurse says ask the doctor, the doctor's never there.
US:M|Three days in the hospital and not one person explained the plan. Just "the team is discussing it".
M|Rang for test results and the receptionist said "if you haven't heard, it's fine". It wasn't fine.
L|No one mentioned I'd need someone to drive me home after the sedation until I was already there.
M|Asked them to ring me if anything changed. {Rel} had a fall and was moved and nobody rang.
M|They talked over my head in medical speak and when I asked what it meant they just said "don't worry".
M|The specialist nurse promised to call back with the MRI plan. Six weeks of silence.
M|Signed a consent form in a language I don't read well. No interpreter, nobody explained.
L|The leaflet they gave me was about a completely different procedure.
M|My dad has dementia, the ward knew I was his main contact and still nobody told me he'd been given new medication.
US:M|The patient portal dumped my biopsy result on me at 11pm with no explanation. Had to google what it meant.
M|We asked for the palliative care team to speak to us for days. No one came, no one explained what was happening.
M|Every shift change we got a different version of {his} plan. No handover, no consistency.
L|Letter says bring the results from the last scan. Which scan? Nobody at the hospital could tell me.
M|They didn't tell us the operation had been moved to a different hospital until the morning of.
M|Tried to raise a concern about {rel}'s breathing and the nurse just nodded and walked away. Nothing written down, nothing passed on.
"""

WAIT_TIMES = """
M|Got to {ae} at 6pm, got seen at 3am. Nine hours on a plastic chair with a broken wrist.
US:M|Three hour wait at urgent care and the sign said 20 minutes. The sign lies.
M|Fourteen months on the waiting list for a scan of my spine. Still no date.
L|Appointment was for 2. Saw the nurse at 3:40. No apology, no explanation.
M|Biopsy results were supposed to take ten days. Six weeks later I'm still refreshing the app.
H|Waited nearly four hours for an ambulance for my dad with chest pain. Ended up driving him ourselves.
M|Walk in centre: arrived at 9, seen at 2. Took my lunch there.
L|The eye clinic keeps you waiting at least two hours every single visit. Bring a book. Or two.
M|Triage within 15 mins, then nothing for eight hours. Nobody checked on us once.
M|My referral to rheumatology went in 11 months ago and I still haven't been seen.
M|Still waiting for my follow-up MRI report. The scan was done in March.
L|Half an hour past my slot and the receptionist just said the doctor is running behind.
US:M|Sat in the ER lobby for seven hours with my kid's broken arm in a sling made from a t-shirt.
M|Queue for the blood test clinic was round the corridor at 8am. Took three hours.
H|Kid with a fever of 40 and we waited six hours to see anyone at all. Six.
M|On the list for a knee op for two years and they've just told me it'll be another year.
L|Waited 90 mins past my scan time, with a full bladder, as instructed. Torture.
M|Paeds {ae} had a five hour wait last night. Poorly babies everywhere.
"""

APPOINTMENTS_ACCESS = """
M|Rang 60 times this morning and when I finally got through they said call back tomorrow at 8.
US:M|Trying to get an appointment with a dermatologist in network. Earliest new patient slot is next August.
M|Hospital cancelled my colonoscopy by letter. The letter arrived three days after the date.
L|The NHS app shows no appointments, the surgery says use the app. Round in circles.
M|They've lost my referral twice now. The consultant's office says it was never received.
M|My GP surgery has closed its list and the next nearest one is 8 miles away with no bus.
M|Clinic rang to rearrange, I said yes, then they marked me as DNA and discharged me back to the GP.
L|Booking line only open 10 till 12. Who can call during work?
M|Three cancellations of my son's hearing appointment and no rebooking.
M|Rheumatology keep bouncing my referral back to the GP asking for more info that's already in it.
L|Online form for the surgery shuts at 8:05 every day because it's "at capacity".
US:M|The scheduling department won't book my follow up until a prior auth clears and nobody will submit the prior auth.
M|No one will give me a date for the operation, it's just "you're on the list".
M|Cancelled by text, rebooked for a date I'd already said I couldn't do, then cancelled again.
L|Can't book a repeat prescription because the online system is down, again.
M|The practice only offers telephone appointments now. Good luck if you need something looked at.
"""

BILLING_INSURANCE = """
US:M|Got a surprise bill from an out of network radiologist I never met. $1,100 for reading one x-ray.
US:L|Price transparency my foot. Called three times for a cost estimate, nobody could give me one.
US:M|Insurance approved it, then denied it after the surgery. Now I owe {money}.
UK:L|The private clinic charged me a cancellation fee for an appointment they moved.
US:L|They billed my copay twice and said I'd get a credit "on my next visit". I don't want a next visit.
US:M|Collections agency calling me about a bill I already paid. I have the receipt.
L|Charged for an itemised breakdown of my own bill. Seriously.
UK:L|Paying £9.90 per item for prescriptions while on sick pay. Nobody told me about the prepayment certificate.
US:L|Billing codes on my statement don't match anything I had done. Customer service says "it's correct".
US:M|My claim got denied as "not medically necessary". My oncologist ordered it.
UK:M|Private hospital invoice came to double the quote and they won't explain the difference.
US:L|The hospital sent my bill to my old insurance even though I updated it at check in.
"""

FACILITIES_ENVIRONMENT = """
L|The waiting room at {ae} smells like wee and the seats are ripped. Grim.
L|Lift broken, stairwell dark, and my mum on crutches. Thanks {hosp}.
L|Drove round the multi storey for 45 mins, not a single space. Then £3.80 for the pleasure.
US:L|The cafeteria food is straight up inedible. Grey mystery meat every day.
L|No air con on the ward during a heatwave. Patients lying there sweating through the sheets.
M|Dirty bed sheets, hair in the sink, dust balls under the bed. Not what you want in a hospital.
L|Machines in the corridor beeping all night and a door that slams every five minutes.
L|Toilets in outpatients have been out of order for weeks with a sign on them.
L|Couldn't find the clinic, no signs, staff just pointed vaguely down a corridor.
L|The chairs in the day unit are rock hard and I was there for six hours of infusion.
M|Mould on the shower ceiling and a bin that hadn't been emptied in days.
L|Wifi doesn't work anywhere and there's nowhere to charge your phone.
US:L|Parking at the hospital is $18 a visit and the garage is falling apart.
L|Water jug empty all day and the water fountain on the corridor broken.
"""

PRIVACY_RIGHTS = """
M|The doctor discussed my miscarriage with me in a bay full of visitors. Not even the curtain pulled.
H|Someone from the hospital posted about my admission on Facebook. A nurse I know from school.
M|They refused to let my wife stay with me on the ward because of "policy", even though I have dementia and she's my carer.
US:M|The billing office mailed a statement listing my psychiatric visits to my parents' house. I'm 26.
M|Asked for a female sonographer for an internal scan, was told tough.
H|My records were shared with my employer's occupational health without my consent.
M|Reception called out my full name, date of birth and the reason for my visit across the waiting room.
M|Treated differently because I wear a headscarf. They kept asking if I understood English. I was born here.
M|Student doctors were in the room for my smear without anyone asking me.
M|They wouldn't let my partner in for the birth because he "wasn't on the list".
US:H|Hospital emailed my HIV test results to the wrong patient. Their "apology" was a form letter.
M|Sectioned and nobody told me my rights or let me call anyone for two days.
M|Being wheeled through the public corridor in just a gown with nothing covering my legs. Zero dignity.
M|They made my deaf mum use her teenage grandson to interpret her own cancer diagnosis. So wrong on so many levels.
M|I have a disability and was refused a reasonable adjustment for my appointment. Told "everyone waits the same".
M|The consultant told my dad's diagnosis to my brother, who he hasn't spoken to in years, without asking dad.
"""

ADMISSION_DISCHARGE = """
M|Twelve hours on a trolley in {ae} waiting for a bed upstairs. There wasn't one.
H|Discharged {rel} home alone with no one told, no key safe, no food in. Found {him} on the floor two days later.
US:M|They kept saying discharge "by noon". We left at 9pm because pharmacy hadn't filled the meds.
M|Sent home after my {op} with no dressings and no instructions and the district nurse had no referral.
M|Bed manager moved {rel} to a different ward at 2am. Third move this week.
M|Refused admission even though the GP wrote "needs admitting" on the letter.
"""
