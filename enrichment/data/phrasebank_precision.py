# ruff: noqa: E501  (data: one post per line reads better than wrapped strings)
"""Hard negatives that name care topics, and complaints that sound polite (read by build_labelled_posts.py).

Written after the model was found to key on topic words (a fall, a bill, the front desk, discharge, A&E)
more than on whether the writer is dissatisfied: praise that names a care event or a department,
thank-you posts, good experiences with billing and admin, hospital announcements (awards, building work,
visiting rules, hiring, community events), prayers and worry, and questions about the same topics. The
complaint banks at the end keep the other side honest: news reports of failings written in the same
"the hospital said" register, and complaints wrapped in thanks or politeness.

Written fresh for this file; nothing here is taken from the demo data (sources/demo), which stays an
independent evaluation set. Same template syntax as the other phrase banks.
"""

# Praise and thanks that name the care topic a complaint would be about.
PRAISE_TOPICAL = """
{Rel} slipped in the bathroom on {ward} last week and the nurses were with {him} in seconds. Checked, scanned, reassured. Really impressed.
After my fall on the stairs the paramedics and then the team at {hosp} were brilliant from the first minute.
Broke my wrist falling off a ladder. Plastered, sorted and home inside three hours. Fab team at {hosp}.
The pharmacist on {ward} double checked every one of dad's tablets before he went home. That kind of care is why we trust them.
Proper shout out to the phlebotomist this morning, got the needle in first time on my useless veins.
The billing department at {hosp} set up a payment plan for me without any fuss. Kind and quick.
Got a letter saying I'd been overcharged and a refund was on its way. Didn't even have to ask. Nice one {hosp}.
I was dreading the cost but the financial counselor at {hosp} walked me through the charity care form and it's all covered.
US:Insurance pre-authorization for my MRI was handled entirely by the clinic staff. I didn't have to make a single call.
US:Called about a line on my statement I didn't understand and the rep explained it patiently. Took ten minutes. Appreciated.
The lady on the main reception at {hosp} spotted I was lost and took me to the right lift herself. Little things.
Admissions was so quick, had a bed on {ward} within the hour and the nurse came straight over to settle me in.
Discharged this morning and honestly it was the smoothest process. Meds, letter, follow up date, all done before lunch.
The discharge coordinator arranged carers for {rel} before {he} left the ward. We couldn't have managed without her.
Transfer from {hosp} to the rehab unit went like clockwork. Ambulance on time and everyone knew the plan.
Was in {ae} till 2am with {kid} but every single person we met was kind. The wait was worth it.
Triage nurse in {ae} clocked straight away that something wasn't right with {rel}. Fast, sharp and calm. Forever thankful.
Results came back in two days instead of the two weeks they warned me about. Impressed.
My clinic appointment ran on time to the minute. Whoever organises {clinic} deserves a medal.
Got a cancellation slot for my scan the next day. The booking team rang me back like they promised.
The new online booking system at {gp} is genuinely easy. Picked a slot at 11pm from my sofa.
Rang the appointments line expecting to hold forever, got a human in under a minute who sorted everything.
The interpreter for my dad's consultation was patient and clear, he understood everything for the first time.
The consultant drew a diagram to explain my heart condition. First time it made sense to me.
The nurse phoned me personally with my results and stayed on the line to answer all my questions.
Dr Mensah at {hosp} actually listened when I said the pain was different this time. Got the right scan, right answer.
The staff asked before every single examination and kept the curtain closed. I felt safe and respected.
They found a private room so we could say goodbye to {rel} in peace. We will never forget that kindness.
As a wheelchair user I've never felt so welcome at a hospital. Step free everywhere, staff who just get it.
The food on {ward} was actually nice. Proper portions, hot, and someone helped dad with his tray.
Spotless ward, quiet at night, comfy bed. Best sleep I've had in a hospital.
Parking at {hosp} was easy today, loads of spaces and the machine took my card first time.
The new family room on the children's ward is lovely. Somewhere to make a brew and breathe.
The porter who took me to theatre cracked jokes the whole way and calmed my nerves. Legend.
The healthcare assistants on nights are the unsung heroes of {hosp}. Patient, funny and kind.
Security guard at {hosp} helped me jump start my car at midnight after a long day visiting. Above and beyond.
Had my {op} at {hosp} yesterday. Anaesthetist held my hand as I went under. Woke up to a cup of tea.
Our midwife stayed an hour past the end of her shift so she could see our baby born. Eternally grateful.
Surgeon phoned the evening after my operation just to see how I was. Who does that? {hosp} does.
The chaplain sat with mum for an hour while we drove up. We are so thankful.
Honestly the ICU team were incredible with {rel}. They explained every machine and every number to us.
The physio on {ward} got dad out of bed and walking after his fall. He's home now and steady on his feet.
Mental health liaison in {ae} took my son seriously and found him a bed the same night. Thank you does not cover it.
Ambulance crew who came to my nan tonight were gentle, funny and so respectful in her home.
Community nurses who do mum's dressings every other day are lovely. She looks forward to their visits.
Pre-op nurse went through everything twice because I was anxious. No rush, no judgement.
{Rel} had a chest infection and the respiratory team had {him} back on {his} feet in four days.
The stroke team saw dad within minutes of arriving. Scans, clot busting drugs, the lot. He's talking again.
Went in for a routine check and the nurse noticed my mole. Biopsy the same week. Caught early. Grateful.
They let me stay overnight with {kid} and brought me a camp bed and breakfast. Small things, huge difference.
Colonoscopy at {hosp} today. Prep was grim but the team made the actual procedure painless and quick.
I used to dread {clinic} but the new team there are brilliant. On time and actually interested.
Waited longer than I hoped in outpatients, but the nurse apologised, explained why, and the doctor was excellent.
The receptionist at {gp} squeezed me in on the same day when I rang in tears. Can't thank her enough.
Ward manager on {ward} sat down with us and went through dad's care plan. Clear, honest and kind.
Bills from {hosp} used to confuse me but the new itemised statements are so much clearer.
Lost my wallet in the {ae} waiting room and the staff had it waiting for me at the desk the next day.
The hospital radio volunteers visited {rel} every evening. {He} loved the requests.
Our son's cast came off today and the plaster tech made it a game. He left grinning.
Nothing but respect for the theatre team who worked through the night on my brother.
{hosp} looked after me for nine days after my accident and I want every member of staff to know they were amazing.
My first time using the virtual ward and it was brilliant. Nurse video calls every morning, home in my own bed.
The sexual health clinic were discreet and friendly, results by text in three days. Exactly how it should be.
Credit to {hosp}: they spotted the medication clash on admission and changed {rel}'s tablets straight away.
Dialysis unit staff are like family to my dad now. Three times a week and always a smile.
Dental hospital sorted my abscess in one visit. Pain gone, lovely dentist.
Our GP practice sent a nurse to do mum's jab at home because she can't get out. Above and beyond.
The team in day surgery texted me updates while my partner was in theatre. Such a simple idea and it helped so much.
UK:Called 111 at 3am and they had a doctor ring me back within 20 minutes. The NHS at its best.
UK:Eye casualty at {hosp} saw me within the hour on a Sunday. Brilliant service.
US:Our insurance denied the claim at first but the hospital's billing team appealed for us and won. Huge thanks.
US:Urgent care got us in and out in forty minutes with a strep test and a prescription. Five stars.
US:Front desk at the pediatric clinic remembered my daughter's name and her favorite sticker. Adorable.
"""

# Neutral and good news about hospitals, and posts by hospitals: announcements, awards, building work,
# visiting rules, hiring, events. Written in the reporting register that news of failings also uses.
NEWS_POSITIVE = """
{hosp} has been named among the top hospitals in the region for patient safety, the trust announced on Tuesday
{hosp} opens a new fracture clinic this week, which the hospital says will see patients faster
Work has started on a three-storey car park at {hosp}, due to open next autumn, a spokesperson said
{hosp} said it will relax visiting hours on its surgical wards from Monday, allowing visitors from 11am to 8pm
Visitors to {hosp} are being asked to wear masks on respiratory wards while winter virus cases are high, the hospital said
{hosp} is recruiting 120 nurses and healthcare assistants ahead of the opening of its new wing
A nurse at {hosp} has won a national award for her work with patients with learning disabilities
{hosp} will hold a free health fair on Saturday with blood pressure checks and flu vaccines, organisers said
Construction crews finished the steel frame of {hosp}'s new maternity building this month, hospital officials said
{hosp} said its emergency department will move into a larger, purpose-built space in the spring
The hospital's charity has handed over a new ambulance for transferring sick babies, paid for by local fundraisers
{hosp} announced a partnership with the local university to train more paramedics
Figures published today show {hosp} met its cancer treatment targets for the sixth month running
{hosp}'s chief executive will retire at the end of the year after eleven years in the role, the board confirmed
{hosp} has introduced a new volunteer scheme to help patients find their way around the site
Surgeons at {hosp} carried out the county's first keyhole heart valve procedure last month, the hospital said
The children's ward at {hosp} has been repainted by local artists with a seaside theme
{hosp} is asking the public to give blood at a donor session in the main hall next week
Patients at {hosp} can now check in for outpatient appointments at self-service kiosks, the trust said
{hosp} has received accreditation as a baby friendly hospital for its breastfeeding support
A new helipad at {hosp} is expected to cut transfer times for trauma patients, officials said
The hospital said a planned power test on Sunday morning will not affect patient care
{hosp} is reminding patients that its pharmacy will have reduced hours over the holiday weekend
Hospital staff at {hosp} ran a charity marathon relay and raised enough for two new incubators
{hosp} is to open a dedicated dementia ward, the health board said in a statement
A local school choir performed for patients and staff at {hosp} on Friday
{hosp} has signed up to a pledge to cut its carbon emissions to net zero by 2040
The hospital announced that its new cancer day unit will treat its first patients in March
{hosp} is trialling a robot that delivers medicines to wards overnight, the trust said
Visiting children under 14 will need to be accompanied by an adult at all times, {hosp} said in an update to its policy
{hosp} confirmed it will keep its minor injuries unit open until midnight over the summer
Nurses from {hosp} travelled to a partner hospital abroad to share training, the hospital said
{hosp} has appointed a new medical director, a respiratory consultant who trained at the hospital
Open evening for people interested in nursing careers at {hosp} on Thursday, the hospital said
Inspectors have rated {hosp}'s emergency department good, up from requires improvement
The hospital said its new patient app lets people see test results and book appointments
Groundwork for {hosp}'s new mental health unit began this week with a ceremony attended by staff and patients
{hosp} said it treated a record number of patients in its emergency department last winter and thanked staff
Local firefighters and {hosp} staff held a joint training exercise on Wednesday
A retired midwife who delivered more than 3,000 babies at {hosp} has been made an MBE
US:{hosp} has been verified as a Level III trauma center by the state, hospital officials announced
US:{hosp} will hire 200 workers for its new outpatient tower, the health system said Monday
US:{hosp} unveiled a renovated pediatric wing on Thursday, funded largely by community donations
US:The hospital said it will offer free sports physicals for students at its clinic through August
UK:{hosp} is one of twelve hospitals chosen to pilot a new NHS scheme for faster cancer diagnosis
UK:The trust said {hosp} will host a recruitment day for student nurses finishing their degrees this summer
"""

# Prayers, worry and grief that name care events without blaming anyone.
PRAYER_WORRY = """
{Rel} had a nasty fall this morning and is being checked over at {hosp}. Please keep {him} in your thoughts.
Waiting to hear if {rel} needs surgery after the scan. Worst part is not knowing.
Please pray for my little cousin, she's going into theatre at {hosp} in an hour.
Sending love to everyone sitting in a hospital waiting room tonight.
{Rel} is on oxygen on {ward}. Doctors are doing everything they can. Fingers crossed for tomorrow.
Can't sleep. Dad's in ICU after his heart attack and we're just waiting for news.
Keep my friend in your prayers, her baby came early and is in the neonatal unit.
One year since mum's diagnosis. Still here, still fighting. Thank you for all the support.
First night home without {rel}. The house is so quiet.
Anxious wait for biopsy results this week. Trying to stay positive.
My nan is being moved to palliative care today. Heartbroken but grateful she's comfortable.
If you have a spare prayer, my brother is having his transplant tomorrow morning.
Scary day. {kid} had a seizure and we're in {ae}. Staff are looking after him.
Sitting in the car park at {hosp} working up the courage to go in for my results.
Husband's surgery overran by three hours. He's out now and in recovery. Breathing again.
Thoughts with the family of the cyclist taken to {hosp} after the crash this morning.
{Rel} has pneumonia and is on {ward}. Please send good vibes.
We lost {rel} last night after a long illness. Grateful for every year we had.
My best mate's dad is in a coma after a fall at home. Can't imagine what they're going through.
Whole family sat around {rel}'s bed tonight. Hoping and praying.
"""

# Questions about the same topics, without a grievance.
QUESTIONS_TOPICAL = """
Does {hosp} have a falls clinic? My mum has had two falls this year and her GP mentioned it.
How do I pay a bill from {hosp} online? Can't find the link anywhere.
Does anyone know if {hosp} offers payment plans for big bills?
Which desk do I check in at for a day case at {hosp}?
What time do they usually discharge people from {ward}? Trying to plan picking dad up.
Is there somewhere to get food in {ae} at night if you're waiting with someone?
How long after a fall should you wait before seeing a doctor about a sore hip?
Can I ask for the same consultant for my follow up?
Does the pharmacy at {hosp} do discharge prescriptions or do I go to my usual chemist?
Who do I ring to change an outpatient appointment at {hosp}?
Anyone know how visiting works on the children's ward at the moment?
Can relatives park for free if someone is in intensive care?
Do they provide interpreters at {hosp} or should I bring my cousin to translate?
Is there a quiet place to pray at {hosp}?
Does {hosp} do weekend blood tests or only weekdays?
How do I get a copy of my x-ray images for a second opinion?
Anyone had their gallbladder out at {hosp}? How long were you off work?
What's the best way to send a thank you card to the ward staff?
Is the new cancer centre at {hosp} open yet?
Do I need to bring my own nightwear for a two night stay?
How early can you get to {hosp} for a 7am surgery check in?
US:Does {hosp} accept Medicaid for outpatient physical therapy?
US:Is the ER at {hosp} or the urgent care down the road better for stitches on a Sunday?
UK:Can you get a blue badge space at {hosp} or is it first come first served?
"""

# Complaints in the registers above: news of failings that quotes the hospital, and complaints wrapped in
# thanks or politeness. Lines are "<category>|<severity letter>|<template>".
NEWS_COMPLAINTS_REPORTED = """
safety|H|{hosp} said it was reviewing its procedures after an elderly patient fell twice on the same ward in one night
wait_times|M|Patients waited more than twelve hours for a bed in {hosp}'s emergency department last month, figures show, and the hospital said it was sorry
billing_insurance|M|{hosp} has apologised after hundreds of patients were sent bills for appointments that had been cancelled
appointments_access|M|{hosp} said a computer fault had lost thousands of outpatient referrals, leaving patients waiting months without a date
privacy_rights|H|{hosp} announced an investigation after patient records were left in an unlocked bin outside the building
facilities_environment|L|Families say the lifts at {hosp} have been out of order for weeks, forcing visitors to carry wheelchairs up stairs; the hospital said parts were on order
communication|M|Relatives were not told for two days that their mother had been moved to another hospital, {hosp} admitted in a statement
admission_discharge|H|A frail patient was discharged from {hosp} at midnight without a coat and in a taxi, the hospital confirmed, promising a review
staff_attitude|M|{hosp} said it had spoken to staff after a video showed a receptionist shouting at a distressed patient
clinical_quality|H|{hosp} has written to 400 patients to recall them for new scans after errors were found in how a radiologist read them
"""

POLITE_COMPLAINTS = """
billing_insurance|L|Thanks for the lovely care last month {hosp}, but I've now been billed twice for the same scan and nobody answers the phone.
staff_attitude|M|I really wanted to leave a good review, the nurses were kind, but the doctor on the night shift was rude and sarcastic to my mum.
admission_discharge|M|Grateful for the treatment, truly, but sending {rel} home at 11pm with no transport and no meds was not ok.
facilities_environment|L|Lovely staff, thank you all. The toilets on {ward} though were filthy for three days running.
wait_times|M|With respect to the staff who are clearly working hard, nine hours in {ae} with a broken ankle is not acceptable.
communication|M|I appreciate everyone is busy, but nobody explained what the scan found and we left more confused than when we came.
safety|H|Thank you to the nurse who finally noticed, but {rel} was given someone else's tablets twice before anyone checked.
appointments_access|M|Polite ask: please could someone at {hosp} actually answer the appointments line? Four days of trying.
privacy_rights|M|The care itself was fine, but discussing my diagnosis at the front desk in front of a queue of strangers was humiliating.
clinical_quality|M|Thank you for trying, but three visits and three different answers about my pain, and still nobody has examined me properly.
"""

# Second batch: shorter posts, reviews and replies, so the register (not a sentence frame) carries the praise.
PRAISE_TOPICAL += """
Five stars for {ae} at {hosp}. Busy night, still treated like a person.
Fell off my bike on Sunday, {hosp} patched me up in no time. Top team.
Ten out of ten for the admissions nurse who found {rel} a side room.
Not often I post about a hospital bill but {hosp} got it right first time. Clear and fair.
Reception staff at {clinic} were cheerful at 8am on a Monday. Respect.
Had {rel}'s discharge meeting today. Everyone listened and the plan is solid. Relieved.
Blood test, ECG and chest x-ray all in one morning. Slick operation at {hosp}.
Really pleased with how {hosp} handled my referral. Letter within a week, seen within a month.
Best thing about {ward}? The nurses remember your name and how you take your tea.
Can't praise the radiology team enough. Quick, gentle and explained what they were looking at.
Phoned {gp} about my prescription and it was ready to collect that afternoon.
The ward clerk on {ward} went hunting for my lost glasses and found them. Hero.
A genuinely good experience with the patient accounts team. Who knew.
Honestly expected chaos in {ae} on a Saturday night. Got calm, kindness and a quick x-ray.
Dad's hip operation went perfectly and he was up walking the next day. Superb surgical team.
The hospital shuttle bus driver waited for my nan while she found her ticket. Lovely man.
Quick reminder that the people on the phones at {hosp} are doing a great job. Mine was patient and clear.
Amazing care for {kid} on the children's ward. Play specialists, patient nurses, and a doctor who explained everything.
Smooth day at {clinic}: parking, check in, scan, done. More of this please.
So glad we chose {hosp} for the birth. Calm, warm and respectful of our plan.
Recovery nurse after my {op} was an absolute gem. Kept checking my pain and brought toast.
Night staff on {ward} made sure {rel} never felt alone. Forever in their debt.
{hosp} got me a same week MRI after my GP referral. Impressed with the speed.
The doctor in urgent care didn't rush me at all and spotted what two others missed. Grateful.
Visited {rel} on {ward} every day this week and the place was calm, clean and friendly every time.
Heads up for anyone nervous about {clinic}: the team there are kind and the wait was short.
Good news: the new discharge lounge at {hosp} means you're not stuck on the ward waiting for transport.
Genuinely lovely chat with the cardiac nurse who rang to follow up. Felt looked after.
US:Billing office refunded my copay the same day when they realized I'd paid twice. Honest and quick.
US:The ER nurse who stitched up my son's chin was so good with him. He wants to be a nurse now.
UK:Walk-in centre saw me in 20 minutes and the nurse practitioner was excellent. Proper NHS.
"""

NEWS_POSITIVE += """
{hosp} says its new discharge lounge has freed up beds on wards, with patients leaving earlier in the day
The hospital's maternity team has been shortlisted for a national midwifery award
A new rooftop garden for patients and staff has opened at {hosp}
{hosp} is extending its free shuttle bus to cover two more villages, the hospital said
Volunteers at {hosp} were honoured at an awards evening on Friday night
{hosp} staff handed out free health checks at the town's summer fair
The health board confirmed funding for a second MRI scanner at {hosp}
Patients' artwork is on display in the main corridor at {hosp} until the end of the month
{hosp} is launching a text service so relatives can get updates on patients in surgery, the hospital said
"""
