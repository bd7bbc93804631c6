# ruff: noqa: E501  (data: one post per line reads better than wrapped strings)
"""Hand-written complaint cores, one bank per category (stdlib only; read by build_labelled_posts.py).

Each line is "<severity letter>|<template>". Severity letters: L low, M medium, H high, C critical.
Template syntax: {slot} fills a slot (see SLOTS in build_labelled_posts.py), {a|b|c} picks one option,
[text] is kept half the time. A line starting "US:" or "UK:" after the severity forces that locale.
Every line is its own phrasing: lines do not share a sentence frame, so the held-out split (grouped by
line) measures phrasings the model has not seen.
"""

CLINICAL_QUALITY = """
H|{gp} told me my chest pain was anxiety {n} times. Turned out to be a blood clot on my lung.
M|Went in with agonising back pain, the doctor barely looked at me, said take paracetamol and sent me off. Five minutes, tops.
M|The consultant didn't even examine {rel}. Read the notes, said "nothing more we can do" and walked out.
H|{Rel} was in agony all night on {ward} and the pain relief {he} was written up for never came.
M|Third different diagnosis in three visits. Does anyone at {hosp} actually know what they're doing?
M|My stitches came apart two days after the {op}. Surgeon shrugged and said "these things happen".
M|Orthopaedics at {hosp} botched my knee replacement and now I walk worse than I did before.
H|Nobody helped {rel} wash, eat or drink for three days on {ward}. That's not nursing, that's neglect of basic care.
H|They kept insisting it was a migraine. It was meningitis. We had to beg for a second opinion.
M|Six months of physio that did nothing, then the specialist says I should have had surgery from the start.
L|{gp} prescribed antibiotics over the phone without ever seeing {him} and of course they didn't work.
H|My mum's cancer was missed on two separate scans. By the time they caught it, it had spread.
C|Dad went in with a chest infection, they missed the sepsis and he died on {ward} two days later.
M|Junior doctor had no idea how to put a cannula in. Six attempts. My arm is black and blue.
H|{kid} had a temperature of 40 and the out of hours doctor said it was teething. We were in resus that night.
L|The physio was reading off a sheet and clearly knew nothing about my condition.
H|The eye clinic put my vision loss down to "age". A high street optician found a detached retina the next morning.
M|Prescribed the same cream four times for a rash that turned out to be scabies. Four months of itching.
L|Doctor googled my symptoms in front of me. I could have done that at home for free.
H|Surgeon left the drain in far too long and now I have nerve damage. Nobody will admit any fault.
M|Midwife missed that the baby was breech until I was already in labour. Emergency section that could have been planned.
H|The mental health team discharged my son after a single phone call. He is clearly not ok.
C|They told my sister her lump was a cyst. Eight months later it's stage 4. She's 34. We're talking to solicitors.
M|"Routine" colonoscopy, no sedation offered, most painful thing I've ever been through. I was just told to breathe.
M|Care on the stroke unit was basic at best. No physio at weekends and {rel} went backwards.
M|The locum gave me the wrong diagnosis and the wrong inhaler and I ended up worse than when I walked in.
L|Felt rushed. Six minutes and out, didn't get to mention half of what was wrong.
H|Took {rel} in with the obvious signs of a stroke, face drooping, and triage said {he} was "just tired".
L|Hearing aid fitting was rushed and they whistle constantly. Three trips back and still not sorted.
M|Tooth extraction at the dental hospital left a root behind. Months of infection before anyone looked.
M|Every visit the GP just ups the dose. Nobody has ever looked at why the tablets aren't working.
H|Told it was a pulled muscle. It was a fractured hip. {Rel} is 87 and walked on it for a week.
M|District nurses all do the dressing differently and the wound still hasn't healed after three months.
H|Miscarried at 10 weeks, sent home with no scan and no follow up, just "it happens".
M|Five years of being told my endometriosis was "bad periods". {gp} still won't refer me.
M|The {op} was meant to fix the problem. Two years later I'm in more pain and they just say it's scar tissue.
L|The nurse took my blood pressure with the wrong size cuff, got a silly reading and nobody rechecked it.
M|They put my broken arm in a cast without lining it up properly, now it's healed crooked and needs re-breaking.
M|Child was diagnosed with "a virus" three times before anyone tested for the kidney infection.
US:M|My PCP dismissed my fatigue for a year. Turns out it was my thyroid the whole time. One blood test.
US:H|ER doc spent three minutes with my husband, said it was heartburn and discharged him. It was a heart attack.
M|Honestly the standard of care at {hosp} has fallen off a cliff. Nothing gets done properly anymore.
M|Had my gallbladder out at {hosp}, still in pain 6 weeks on and the surgeon won't even see me.
M|i've been back to {gp} 5 times with the same symptoms and they keep giving me a different inhaler. nobody is actually investigating
C|My baby died after the midwives ignored our concerns for hours. We want answers and we'll get them in court.
"""

SAFETY = """
C|They gave {rel} penicillin even though the allergy is on {his} wristband. Anaphylaxis, crash team, the lot.
H|A nurse tried to give me someone else's tablets this morning. I had to read the name off the pot myself.
C|The surgeon operated on the wrong knee. The WRONG knee. How does that even happen?
H|{Rel} had a fall on {ward} overnight and nobody told us until we visited the next afternoon. Head wound and all.
H|Caught C diff on the ward. The toilets hadn't been cleaned in days and nobody was washing their hands.
H|Found a used needle in the bed when {rel} was moved onto {ward}.
C|My dad was given ten times his prescribed dose of morphine. He stopped breathing.
H|Two nurses for thirty patients last night. Buzzers going off for an hour at a time. That is not safe.
H|My mum has dementia and was found wandering outside the hospital in her nightie at 3am.
H|Pressure sores on {his} heels and back after two weeks on {ward}. Nobody turned him once.
H|They left the cannula in for days and {his} arm is now infected. IV antibiotics because of a cannula.
C|A student midwife dropped our newborn and they tried to cover it up. Police have been told.
H|Insulin given twice in one night because the night staff didn't check the chart.
H|Left sitting in a soiled bed for hours, {rel} now has a skin infection.
C|A nurse on {ward} slapped my nan. She has bruises on her arm and she is terrified.
H|Nobody checked {his} blood sugars all day and he's type 1. He was hypo when we got there.
C|My brother told them he was suicidal and they let him walk out of {ae}. We found him two days later.
H|Crash trolley on {ward} hadn't been checked in weeks and the defibrillator pads were out of date.
H|My blood sample was mislabelled with another patient's name and I was nearly given a transfusion I didn't need.
H|They moved a covid positive patient into the bay with my immunocompromised dad.
C|Swab left inside me after my c-section. Months of pain, sepsis, another operation. Our lawyer is on it.
H|The bed rails were broken and {rel} fell out twice in one night.
H|Nobody noticed {rel} had stopped eating and drinking for four days. Dehydrated and confused when we arrived.
C|Overdose of paracetamol on the children's ward because of a decimal point mistake. My son is now in intensive care.
H|Staff on the mental health unit left a belt with a patient who was on one to one observation.
H|Agency nurse didn't know where anything was kept and the 10pm meds were given at 2am.
C|A male patient kept coming into the women's bay at night and touched me. Staff did nothing.
H|My daughter's latex allergy was written everywhere and she still came up in welts from their gloves.
C|Grandad picked up a urine infection on the ward, nobody treated it, it turned into sepsis and he died.
H|The pump alarm went off for forty minutes and no one came to check it.
H|Nearly taken to theatre as another patient. They only noticed because I said my date of birth was wrong.
M|Watched a nurse go from bed to bed without washing her hands or changing gloves.
C|Security restrained my confused 80 year old mum and dislocated her shoulder. That is assault.
H|Cot side missing on the paeds ward and our toddler rolled straight off onto the floor.
H|Student nurse left alone on nights with 12 patients. Frightening for everyone.
C|They transfused my husband with the wrong blood group. He's in ICU.
M|Hand gel dispensers empty all over the ward in the middle of a norovirus outbreak.
H|Oxygen cylinder ran out while {rel} was waiting on a trolley and nobody noticed until {he} went blue.
H|Staffing on {ward} at night is dangerous. One HCA and a bank nurse for a whole bay of confused patients.
H|My son was given an adult dose of antibiotics. Thankfully the pharmacist caught it at home.
US:H|Nurse pushed a med into my IV without checking my band or asking my name. Wrong patient, turns out.
C|Patient overdosed on the ward because the medication trolley was left open and unattended.
H|they forgot to give my dad his parkinsons meds on time for 2 days and he couldn't move or swallow
"""

WAIT_TIMES = """
M|Waited {hours} hours in {ae} with {rel} who is 90 and nobody even offered a chair.
M|{hours} hours and counting in the waiting room at {hosp}. Kids screaming, no updates, no water.
M|On the waiting list for a hip replacement for {months} months now. In constant pain every day.
H|Ambulance took seven hours to come for my nan who'd fallen and couldn't get up off the floor.
M|Urgently referred to dermatology in March. Still waiting. It's now October.
L|45 minutes past my appointment time before I was called in, not even a sorry.
L|Blood test results take three weeks?? In this day and age??
M|Sat in {ae} from 7pm until 6am. Eleven hours. Seen for five minutes.
H|Left on a trolley in a corridor for 14 hours with a broken hip.
M|They told us the wait would be four hours. It was nine.
M|Waiting time for an ADHD assessment here is apparently three years. Three. Years.
H|Two week wait cancer referral. It's been seven weeks and nobody can give me a date.
M|My son's been on the CAMHS waiting list for 18 months while he gets worse.
L|Hospital pharmacy took an hour and a half to hand over a single prescription.
M|Website says the wait time at urgent care is 45 mins, we've been here four hours.
M|It took five hours for anyone to even triage my daughter.
M|Another day, another six hour wait in {ae}. This place is broken.
M|ER wait was over eight hours with a kidney stone. I was writhing on the floor.
L|Physio waiting list is 16 weeks. Meanwhile I can't work.
M|Four months waiting for an MRI result and nobody can tell me when it'll be reported.
M|Been waiting since 10am for a doctor to see dad on the ward round. It's now 6pm.
L|Stuck in the x-ray queue for two hours with a broken arm.
M|Waited so long in {ae} my friend gave up and went home with a broken finger.
M|Postponed, re-referred and back to the bottom of the waiting list. Two years and counting.
H|Ambulances queued outside and my dad was in the back of one for five hours before they'd take him in.
L|The clock said two and a half hours when we finally got called. Not the end of the world but come on.
M|Urgent referral my foot. 14 weeks and still no neurology appointment.
M|Six hours in paediatric {ae} with a vomiting toddler and not even a cup of water offered.
M|Surgery date pushed back again and again. A year now waiting for my gallbladder op.
L|waited 3 hrs for a 5 minute appt. every single time at this clinic
M|Nine months for a hearing test. Nine months of not hearing my grandkids.
H|I was miscarrying and we sat in the early pregnancy unit waiting room for six hours.
L|Clinic running 90 minutes late and nobody told anyone why.
M|Been in this waiting room so long I've watched the sun come up.
H|Still waiting for an ambulance, three hours after calling 999 for my grandad's chest pain.
M|Told eight weeks for the biopsy results. It's been fifteen.
M|Queue for the walk-in centre was out the door at 8am and they stopped taking names by 9.
M|Sitting in {ae} since lunchtime with a suspected broken ankle. It's midnight.
L|Every single time I come for bloods it's at least an hour past my slot.
US:M|Urgent care had a four hour wait for what turned out to be a 10 minute visit. On a Tuesday afternoon.
M|Our GP referred {rel} to memory clinic in January and the earliest they can offer is next spring.
H|My 4 year old had a seizure and we waited two hours for an ambulance. Two hours.
M|how is it acceptable to wait 10 hours in a&e with chest pain
C|Three hours waiting for an ambulance and my husband died on our kitchen floor.
"""

APPOINTMENTS_ACCESS = """
M|Rang {gp} at 8am on the dot, 47th in the queue, by the time I got through every appointment was gone.
M|My {op} was cancelled the night before. Third time this year.
M|Tried for two weeks to get an appointment with {clinic}. The phone just rings out.
L|The online booking system crashes every time I try to use it.
M|Referral letter got "lost". Back to square one after four months.
M|Cancelled my scan by text with two hours notice, after I'd taken the day off work.
L|Why does the practice only release appointments at 8am? Some of us work.
M|Told to ring back tomorrow. Rang back tomorrow. Told to ring back tomorrow.
M|No appointments for three weeks at my GP so they told me to go to A&E instead.
M|Can't register with a single GP in this area, every list is closed.
M|No interpreter booked for my mum's appointment, again, so it had to be rearranged again.
M|My follow up appointment never got booked. Nobody called. It's been five months.
L|Appointment letter arrived the day after the appointment.
M|Got to the walk-in centre five minutes after the cut-off and they turned us away with a crying baby.
M|They moved my appointment without telling me and then recorded me as a did-not-attend.
L|The app says no appointments available, reception says use the app.
L|On hold with the appointments line for 55 minutes and then it cut me off.
M|The online triage form is open from 8 until 8:30 and shuts as soon as it's "full". How is anyone meant to get help?
M|They won't book a face to face unless you've had a phone call first, and you can't get a phone call. Catch 22.
H|My chemo was postponed because of an "admin error". You can't just postpone cancer.
M|The out of hours number sends you round in circles and then tells you to call your GP.
L|Could only get a phone consultation when I really needed someone to look at it.
M|Referral rejected because a box on the form was ticked wrong, so we start again.
M|The specialist clinic has nothing for six months and won't put me on a cancellation list.
L|The patient portal won't let me book, change or cancel anything.
M|Cancelled on the day of my {op}, after I'd fasted since midnight and was already in a gown.
L|Four phone calls and two emails just to sort out a repeat prescription.
M|Called the clinic 26 times today. Never got through once.
L|Why can I only talk about one problem per appointment?
M|They closed the minor injuries unit near us so the nearest one is now a 40 minute drive.
M|Phone appointment was supposed to be at 10. Doctor never rang, then they marked me as a no-show.
M|My son's autism assessment has been cancelled for the fourth time with no new date.
L|The booking line wants a reference number that was never sent to us.
L|Receptionist says I need to book four weeks ahead for a simple blood test.
M|I'm hearing impaired and they'll only take bookings by phone. Not accessible at all.
M|Wife's pre-op assessment rescheduled three times and now her operation date is in doubt.
US:M|Every time I call to schedule they transfer me to a voicemail box that's full.
US:L|Trying to get a new patient appointment with a primary care doctor in this network is impossible, nothing until spring.
L|Practice phone message tells you to go online, the website tells you to phone.
M|Been trying to get my dad's referral to cardiology chased for weeks and nobody will take ownership.
M|They stopped doing evening clinics so I have to lose a day's pay for every appointment.
L|Text reminder for an appointment I'd already cancelled twice.
M|Our practice has no appointments, no callbacks and a receptionist who hangs up. What are we meant to do?
C|I'm having suicidal thoughts and the crisis team keep cancelling on me. I don't know how much longer I can do this.
"""

BILLING_INSURANCE = """
US:L|Got a bill for {money} for an ER visit where I saw a doctor for five minutes.
US:M|Insurance denied my MRI and {hosp} billed me the full price without telling me first.
L|Charged twice for the same appointment and three phone calls later still no refund.
US:M|They sent my bill to collections while I was still on the phone disputing it.
US:L|Itemised bill says $45 for one Tylenol. One.
US:M|Out-of-network anesthesiologist at an in-network hospital. Surprise bill for $3,400.
US:L|Copay went up and nobody told me until the front desk demanded it at check-in.
L|Billing department never answers. I've left nine voicemails.
US:M|Pre-authorization "wasn't submitted" by the clinic so now my claim has been denied.
UK:L|Charged £80 for a private blood test the GP told me would be free.
UK:L|Paid for my prescription even though I have an exemption certificate and now they've sent a £100 penalty notice.
L|Billed for a procedure I never had. Took four months to get it taken off.
US:L|A "facility fee" on a telehealth visit. I was in my own kitchen.
L|Still waiting on a refund of my deposit from eight months ago.
US:L|The estimate said $800. The bill said $4,100. How?
UK:L|Private hospital added a £300 "consumables" charge after my knee op that nobody mentioned.
US:L|They coded it as an emergency visit instead of urgent care so I owe five times as much.
L|Paid in full and I'm still getting letters threatening debt collectors.
US:M|Insurance dropped my coverage halfway through treatment because of an admin error at the hospital.
L|Nobody can explain my bill. Three people, three different answers.
US:L|$250 for a "consultation" that was a four minute phone call.
US:L|Ambulance bill of $2,700 for a six minute ride.
L|Asked for a price upfront and they refused to tell me.
UK:M|Demanded I pay overseas visitor charges before treatment even though I have settled status.
US:L|We got billed for "skin to skin" time with our newborn. Seriously.
L|The payment plan they set up keeps taking the wrong amount out of my account.
US:L|EOB says denied, hospital says it's the insurer's fault, insurer says the hospital coded it wrong. Round and round.
L|Charged a missed appointment fee when THEY cancelled on me.
US:M|One ER visit and the medical debt has wrecked my credit score.
UK:L|Dental charge went from band 1 to band 3 without anyone explaining why.
US:L|Got a bill for a lab test my insurance says they never received a claim for.
L|Invoice from the private clinic arrived with someone else's treatment on it.
US:L|Why does a flu shot cost $0 at the pharmacy and $160 at the clinic?
UK:L|Charged for hospital parking, TV and phone, and now a separate "admin fee" for my medical records.
US:M|Hospital refuses to set up a payment plan and sent the whole balance to collections in 30 days.
US:L|Financial assistance application "lost" twice, now they say I missed the deadline.
C|Still being chased for {money} for the day my wife died in their ER. I've sent everything to a reporter at the local paper.
"""

ADMISSION_DISCHARGE = """
H|They discharged {rel} at 11pm with no transport home. 85 years old, in {his} nightclothes.
H|Sent home after one night, "just a virus". Back two days later with pneumonia.
M|Waited nine hours for discharge medication. Bed needed, we wanted to go, and nobody could sign the paperwork.
M|{hours} hours in {ae} waiting for a bed on a ward to become free.
H|They discharged my dad with no care package in place. He can't even get up the stairs.
M|No beds, so {rel} was shipped to a hospital 60 miles away. We can't visit.
M|Medically fit for discharge for three weeks but stuck on {ward} waiting for a care home place.
M|Discharge letter full of errors, so the GP got the wrong medication list.
H|Discharged with a catheter and nobody showed us how to empty it or change the bag.
M|Admitted to the wrong ward and then moved four times in three days.
M|Our GP sent {rel} in with a letter and {ae} refused to admit {him}. Sent home with paracetamol.
H|Discharged at 2am straight after a seizure and told to get a taxi.
L|The discharge lounge had no chairs so we stood for two hours.
M|They say we'll go home in the morning and we go home at 8pm. Every single time.
M|Transfer to the rehab unit delayed ten days because of paperwork.
C|Dad was sent home with a blood pressure of 70 over 40 and died at home that night.
M|Mental health crisis and told there isn't a single bed anywhere in the county.
H|They sent our newborn home jaundiced and we were readmitted 24 hours later.
M|Nobody arranged the district nurse after discharge so the dressing wasn't changed for a week.
M|Pushed out of the maternity ward six hours after giving birth because they needed the bed.
H|Discharged without her epilepsy medication. She missed two doses before we realised.
L|Admission took five hours and six different people asked the same questions.
M|Discharged before the consultant came round, so my scan results were never discussed with me.
L|Sat all afternoon waiting for one signature on the discharge paperwork.
M|Put on a surgical ward as an outlier and the medical team kept forgetting {he} was there.
M|Elderly neighbour sent home with no food in the house and nobody told her family she'd left.
H|Discharged two days after a hip operation, couldn't walk, fell at home the same night.
M|Social services and the hospital blaming each other while {rel} sits in a bed {he} doesn't need.
M|Came in for my planned {op}, no bed, sent home after fasting all day.
L|My discharge summary never reached my GP so they had no idea I'd had surgery.
M|Readmitted three times in a month. Each time they discharge too early.
M|Patient transport for dad's discharge didn't turn up and he sat waiting until 10pm.
M|They pushed to move mum to a care home without us agreeing to it.
M|Refused a place on the mother and baby unit because of "capacity".
M|Eighteen hours in {ae} before a ward bed was found for {rel}.
US:M|Hospitalist discharged my mom before PT had even evaluated her and she can't walk to the bathroom.
US:H|They discharged him with a new drain and no home health ordered. We're figuring it out from YouTube.
M|Told {rel} was being discharged, got there, then told no, then yes at 9pm. Chaos.
H|My dad was discharged confused and alone in a taxi and the driver found him wandering outside his house.
C|Discharged my suicidal son at 3am with no plan. He tried to take his own life the next day.
C|Sent home from the labour ward twice. Our daughter was stillborn. Solicitors instructed.
"""

FACILITIES_ENVIRONMENT = """
L|£4.50 an hour to park at {hosp} while visiting my mum every day. Disgusting.
M|The toilets on {ward} were filthy. Blood on the floor and no toilet roll.
L|Food was inedible. Cold, grey, and the same sandwich every single day.
L|No parking spaces at all. Drove round for 40 minutes and missed my appointment.
L|The ward is boiling hot, no fans and the windows don't open.
L|Noise on the ward at night is unbearable, staff laughing and shouting at 3am.
L|Waiting room chairs are broken and half the lights don't work.
L|Signage is terrible. It took us 20 minutes to find the maternity unit.
L|The only food after 6pm is a vending machine and it's been broken for a month.
L|Got a parking fine while I was in {ae} for six hours. The machine didn't take cards.
M|Mouldy ceiling tiles right above the beds on the children's ward.
L|The bedside TV costs £10 a day and it didn't even work.
L|Lifts out of order again, my dad with a walking frame had to use the stairs.
L|No wifi, no signal, no charging points. Stuck there for three days.
L|The hot water in the showers hasn't worked all week.
M|Cockroaches in the day room. Actual cockroaches.
L|Asked for a gluten free meal every single day and got a normal sandwich every single day.
L|The pay machines are broken and they're still issuing tickets.
L|Blue badge bays all taken up by staff cars.
L|Hospital coffee shop shuts at 3pm so night shift families get nothing.
L|Freezing cold on the ward and not enough blankets to go round.
M|The hospital food is so bad {rel} has lost weight since {he} was admitted.
L|No baby changing facilities anywhere in outpatients.
L|The smell in the corridor outside radiology is unbearable.
L|Bed was broken and wouldn't sit up, took two days to swap it.
M|Dirty commodes left in the bay for hours.
L|Waiting area so cramped people were sitting on the floor.
L|Entrance ramp far too steep for a wheelchair and no automatic door.
L|They've started charging cancer patients for parking now?? Shameful.
L|Machines beeping all night and nobody silences them. Impossible to sleep.
L|No vegan options apart from a sad apple.
L|Car park barrier stuck and the queue backed up onto the main road for an hour.
L|The shower room on the ward is being used as a storage cupboard.
L|The chairs for parents staying overnight on the kids' ward are awful. I slept on the floor.
L|Bins overflowing by the main entrance with seagulls everywhere.
L|Building works right outside the ward window from 7am every day.
L|Evening meal served at 4:30pm and then nothing until breakfast.
L|No soap or hand towels in the visitor toilets.
M|The maternity showers were disgusting. Hair and blood in the drain.
US:L|Parking garage is $22 a day and there's no validation even for long stays.
US:L|Cafeteria closed, vending machines empty, nothing to eat for family members overnight.
L|The waiting room TV blares daytime telly at full volume and nobody will turn it down.
L|Half the disabled toilets in outpatients are out of order with no sign of being fixed.
L|Stained curtains and dust everywhere, felt grubby the whole stay.
"""

COMMUNICATION = """
M|Nobody told us {rel} had been moved to another ward. We turned up to an empty bed and thought the worst.
M|Three doctors, three different stories about what's wrong with {him}.
M|Still haven't been given my biopsy results. Phoned six times.
L|The consultant used so much jargon I came out knowing less than when I went in.
M|They changed her medication and never told her or us why.
H|Not one update all night while my husband was in surgery. We sat there not knowing if he was alive.
L|The letter says my appointment is at one site, the text says another. Which one??
M|Nobody listens. I've told them five times that {he} can't swallow tablets.
M|Found out my diagnosis by reading the discharge letter. Nobody sat down and explained anything.
M|Asked for an interpreter and was handed a leaflet in English.
M|Voicemails never returned, emails ignored, and PALS says they've "passed it on".
H|Doctor told my mum she was dying in front of the whole bay with no warning and no family there.
M|Told dad was going home, bags packed, then told no. Nobody explains anything to anyone.
M|The ward never answers the phone. I rang 30 times to ask how my gran was.
M|Results went to the wrong GP, nobody chased it, and I found out three months later.
H|I kept telling them something was wrong and nobody listened until it was nearly too late.
L|The appointment letter had the wrong date on it.
M|Different nurse every shift and clearly no handover. I've explained my history eight times.
M|The complaints team sent a generic template reply that didn't answer a single question.
M|Nobody told us mum had covid until we'd visited and taken it home to the kids.
M|The surgeon never came to speak to us after the operation. We found out how it went from a student.
M|The GP and the hospital gave opposite advice and now I don't know which tablets to take.
L|Nobody told us the clinic had moved to a different building.
L|The discharge instructions were a photocopy of a photocopy and half of it was unreadable.
M|Told on the phone the scan was clear, then a letter says they found something. Which is it?
M|Mum's hearing aids went missing and nobody bothered to tell us for a week.
L|Promised a follow-up call after the test. Never came.
M|Rang the ward for an update and got "we can't tell you anything" even though I'm next of kin.
M|Asked three times what the new tablets were for. Nobody could tell me.
M|Every time I raised a concern with the ward sister it was brushed off.
M|Asked for a meeting with the consultant for two weeks. It never happened.
M|The midwife didn't explain a thing during labour and I was terrified the whole time.
L|Texts from the hospital come from a no-reply number and the phone number in them doesn't work.
L|Every person we asked gave us different visiting times.
M|Sent home with a leaflet and "someone will be in touch". Nobody was.
M|Doctor wouldn't answer any of my questions, just kept saying "it's in the leaflet".
H|Family not told when dad deteriorated overnight. Got a call at 7am saying come now.
US:M|Nobody from the care team called back about my mom's test results. The portal just says "abnormal".
M|No one at {hosp} could tell us who was actually in charge of {his} care.
M|We only found out about the DNR conversation because {he} mentioned it. Nobody thought to tell the family.
L|The letter inviting me for a scan was addressed to my mum, who died three years ago. Still on their system.
M|i asked 4 different nurses when the doctor would be round and got 4 different answers
C|If nobody from {hosp} calls me back today I'm taking the whole story and the photos to the BBC.
"""

STAFF_ATTITUDE = """
M|The receptionist at {gp} was so rude. Rolled her eyes at me and said "everyone's in pain".
M|A nurse told my mum to stop being a baby when she asked for pain relief.
M|The doctor was condescending and actually laughed when I said I thought it was endometriosis.
M|Security guard shouted at my dad, a confused 80 year old, like he was a criminal.
M|The consultant didn't look up from his computer once. Not even a hello.
M|Staff sat chatting about their weekend at the desk while the call bells went off.
M|The paramedic was sarcastic and made my son feel like he was wasting their time.
M|The midwife told me to "stop making a fuss" while I was in labour.
M|Asked a nurse for help to the toilet and was told "you've got legs".
M|Absolutely appalling attitude from the night staff on {ward}.
M|I have never been spoken to so rudely in my life. By a GP receptionist of all people.
M|Doctor sighed and tutted through the whole appointment like I was an inconvenience.
M|The porter swore at us in the lift.
M|When I started crying the healthcare assistant told me to pull myself together.
M|Made to feel like a drug seeker for asking about pain medication.
M|My wife had just been told she'd miscarried and the sonographer was chatting about her holiday.
M|The phlebotomist snapped at my autistic son for moving.
M|Arrogant surgeon, talked down to my mum the entire time.
M|The nurse in charge was screaming at junior staff in front of patients.
M|Asked a simple question and got "I'm not your nurse" and she walked off.
M|The GP laughed at me. Actually laughed.
M|Reception staff eating and scrolling their phones while a queue of sick people waited.
M|The physio was impatient and rough with my gran.
M|Treated like an idiot because I'm young.
H|The A&E doctor accused my mum of being drunk. She was having a stroke.
M|The way the nurses spoke to my dad, who has dementia, was disgraceful.
M|Dismissive, cold and rude. Worst GP I've ever seen.
M|The front desk needs customer service training. Unbelievably rude people.
M|Eye rolls and sighs every single time I pressed the buzzer.
M|Consultant blamed my weight for everything before I'd even sat down.
M|A member of staff mocked my accent in front of the whole waiting room.
M|The nurse was on her phone the whole time she was meant to be watching me.
M|I know they're busy but there's no excuse for being that rude.
M|The night sister threatened to call security on my husband for asking a question.
M|Rude, rude, rude. From the moment we walked in.
M|The doctor made a joke about my mum's age right in front of her.
M|"She's old, what do you expect." That was the registrar's attitude.
M|Staff more interested in chatting to each other than helping anyone.
M|Not a single smile or kind word in three days on that ward.
M|Being shouted at by a nurse while recovering from surgery is not ok.
US:M|Front desk lady at urgent care was snippy from hello and acted like we were bothering her.
M|The consultant spoke to my husband about my body as if I wasn't in the room.
M|honestly the attitude of the staff at {hosp} is shocking. nobody cares anymore
C|The nurse told me to go and kill myself when I said I was struggling. I have reported it to the police.
C|A carer on the ward was verbally abusive to my learning disabled brother. We have it on video.
"""

PRIVACY_RIGHTS = """
H|The receptionist read my diagnosis out loud in a full waiting room.
H|My medical records were sent to a stranger with the same name as me.
M|Examined with the curtain wide open and people walking past.
H|A nurse I went to school with looked up my records and told people about them.
M|Asked for a female doctor for an intimate examination and was told no.
H|They did a procedure on my mum without consent because "she wouldn't understand".
M|Put on a mixed ward and had to walk past men in my hospital gown.
M|Doctors discussing my HIV status loudly at the end of my bed.
H|My daughter is 16 and they told her dad about her appointment without her consent.
M|They're refusing to let me see my own medical records.
M|Refused a chaperone for an internal examination.
H|Treated like a second class patient because I'm Black. My pain was ignored all night.
H|A DNR was put on my dad's notes without anyone discussing it with us or with him.
M|Left naked under a thin sheet with the door wide open.
M|A member of staff took photos of my injuries on their personal phone.
C|The clinic gave my address to my ex. I have a restraining order against him.
M|As a trans woman I was called by my deadname all day even though it's on my notes.
M|I'm a wheelchair user and they wouldn't let my carer come in with me.
M|Students were brought in to watch my examination and nobody asked me first.
M|Someone else's test results were left on the printer in the waiting room with their name on.
M|A letter about my mental health was sent to my work address.
M|Dad has dementia and they banned his carer from visiting him.
M|Refused treatment because I couldn't show ID, in the middle of an emergency.
M|The practice shared my details with a pharmacy app without asking me.
M|Mum's dignity completely ignored, left in the corridor with her gown open.
M|Security searched my bag in front of everyone without saying why.
M|Overheard the nurses discussing my mental health history and my "attitude" at the desk.
M|Not allowed my partner in for the scan even though the rules changed months ago.
M|Nobody asked if I consented to students being present at my birth.
L|Told I couldn't breastfeed in the waiting room.
H|They discussed my termination with my mum on the phone. I'm 24.
M|The moment they found out I was on benefits I was treated differently.
M|Had a seizure in the waiting room, people filmed it, and staff did nothing to give me any privacy.
US:M|Front desk repeated my insurance details and diagnosis loudly enough for the whole lobby to hear.
M|My notes were left open on a computer screen facing the corridor.
M|They wouldn't let my husband stay with me even though I was in labour and couldn't speak English well.
H|The ward put my psychiatric history on the whiteboard behind my bed for every visitor to read.
C|They told my employer I'm HIV positive. I'm seeing a lawyer on Monday.
C|The consultant touched me inappropriately during the examination. I've reported him to the police and the GMC.
"""

# Third-person news reports of failings at a provider: complaints in the media, labelled like complaints.
NEWS_COMPLAINTS = """
clinical_quality|M|Family says {hosp} misdiagnosed grandmother's broken hip as bruising
clinical_quality|M|Patients at {hosp}'s orthopaedic unit report high rates of repeat surgery, according to a new audit
clinical_quality|H|Inquest hears {hosp} doctors missed signs of meningitis in teenager twice
clinical_quality|M|Report criticises "inconsistent" standards of care on {hosp}'s elderly wards
safety|H|Inspectors rate {hosp}'s maternity unit inadequate, citing unsafe staffing and poor infection control
safety|C|Coroner warns of "serious failings" after patient died of an overdose at {hosp}
safety|H|{hosp} apologises after patient given wrong medication three times in one week
safety|C|Surgeon at {hosp} suspended after operating on the wrong side of a patient's brain
safety|H|Whistleblower nurses say {hosp} wards are routinely left dangerously understaffed at night
wait_times|M|Patients left waiting up to 14 hours in {hosp}'s A&E, figures show
wait_times|M|{hosp} waiting list for routine surgery hits record high as patients wait more than a year
wait_times|H|Ambulances queued outside {hosp} for up to nine hours last weekend, paramedics say
wait_times|M|Parents say children waited more than 12 hours in {hosp}'s paediatric emergency department
appointments_access|M|Patients unable to get through to {hosp}'s appointments line for days, councillors say
appointments_access|M|Hundreds of operations cancelled at {hosp} at the last minute this winter
appointments_access|L|Residents say GP practice in Elmwood has not offered a routine appointment in weeks
billing_insurance|L|Patients hit with surprise bills after {hosp} changes billing provider
billing_insurance|M|{hosp} sent thousands of patient accounts to collections, investigation finds
billing_insurance|L|Families complain of "confusing" charges at {hosp}'s private patient unit
admission_discharge|H|Elderly patient discharged from {hosp} at 3am in freezing weather, family says
admission_discharge|M|Bed shortage at {hosp} leaves patients stranded in corridors awaiting admission
admission_discharge|M|Delayed discharges at {hosp} blamed on lack of social care packages
facilities_environment|L|Visitors angry as {hosp} raises parking charges for the second time this year
facilities_environment|M|Leaking roofs and mould found on wards at {hosp}, inspection report reveals
facilities_environment|L|Patients complain about "inedible" food at {hosp} after new catering contract
communication|M|Family of dementia patient say {hosp} failed to tell them he had been moved to another hospital
communication|M|Patients at {hosp} say test results are going missing and nobody follows them up
communication|M|Complaints about poor communication at {hosp} double in a year, board papers show
staff_attitude|M|Patients describe "rude and dismissive" staff at {hosp} in damning survey
staff_attitude|C|Nurse at {hosp} suspended after video shows her shouting at and slapping elderly patient
staff_attitude|M|{hosp} A&E receptionist filmed telling patient to "go home and stop wasting our time"
privacy_rights|H|{hosp} data breach exposes thousands of patients' medical records
privacy_rights|M|Patients say {hosp} staff discussed diagnoses in public waiting areas
privacy_rights|H|Mother says {hosp} shared her daughter's sexual health records with her school
safety|C|Family to sue {hosp} after mother died of sepsis that "should have been spotted"
clinical_quality|C|Parents take legal action against {hosp} over baby's brain damage at birth
admission_discharge|C|Man found dead at home hours after being discharged from {hosp}, inquest told
"""

# Second batch: shorter posts, slang, American wording and complaints with few negative words.
CLINICAL_QUALITY += """
M|Went back three times with the same lump and got told "cyst" three times without a single scan.
L|Physio gave me a sheet of exercises off the internet and discharged me. That's it. That's the treatment.
M|The anaesthetist didn't ask about my previous reaction and I woke up vomiting for hours. Same as last time.
M|dr at the walk in just said "viral" and "fluids" without even listening to his chest. it was pneumonia
M|Nobody examined my son's ear properly and now his eardrum has perforated.
M|Had a hysterectomy at {hosp}. Nobody managed my pain after, I was given paracetamol for major surgery.
H|Dad's chest pain was put down to indigestion by the out of hours GP. He had a heart attack that night.
M|Wound dressed so badly it had to be reopened and cleaned out two weeks later.
M|Cast put on too tight, toes went purple, told it was "normal swelling".
US:M|My OB brushed off my swelling and headaches for weeks. It was preeclampsia.
US:M|The urgent care PA prescribed the wrong antibiotic for a UTI and it came back twice as bad.
M|I've had a cough for 4 months and they still haven't done a chest x-ray. Just more steroids.
M|Surgeon rushed the consent form and then the scar is twice the size he promised and badly stitched.
M|Five different GPs, five different theories, zero tests. Something is clearly wrong with me.
H|My daughter's broken collarbone was missed in {ae}. Sent home with calpol. She screamed for days.
M|The mental health assessment was a tick box exercise. 10 minutes and "try mindfulness".
M|They treated my grandad's confusion as dementia for months. It was a water infection the whole time.
L|Eye test at the clinic was so rushed the new prescription is completely wrong.
M|Hand surgery at {hosp} left me with less movement than before. Surgeon says it's "as expected".
M|Kept asking for a blood test for my iron levels, was told I was "just a tired mum". Iron was at 4.
"""

SAFETY += """
H|Mum was given her blood thinners twice yesterday and nobody noticed until the pharmacist checked.
H|Night staff propped the fire doors open with a chair. On a ward full of people who can't walk.
H|Patient in the next bed kept pulling out his lines and nobody came for half an hour. Scary for everyone.
M|Sharps bin overflowing next to the children's play area in paediatrics.
H|Nurse hung the wrong IV bag, only realised when I asked what it was.
H|My grandmother got a urine infection from a catheter nobody changed for two weeks.
C|My son was left unsupervised on a mental health ward and self-harmed with a broken plate.
H|Three falls in a week on the same bay. Still no sensor mat for my nan.
H|Equipment in theatre wasn't sterilised properly, they've written to everyone operated on that day.
US:H|The tech didn't check my ID band before the CT and tried to inject contrast meant for another patient.
H|On {ward} there was one registered nurse for 28 patients overnight. I counted.
H|Baby's name band had the wrong name on it for the whole first night.
M|Cleaner used the same mop and bucket from the isolation room straight into our bay.
H|{Rel} got norovirus on the ward and then gave it to half the bay because they didn't isolate {him}.
C|Mum died from a hospital-acquired infection after they ignored her temperature for two days.
H|Pharmacy dispensed 50mg instead of 5mg. We only noticed because the tablets looked different.
H|The hoist sling was the wrong size and my gran slipped halfway out of it.
M|Nobody did the falls assessment or put the bed low even though she's had 3 falls this year.
"""

WAIT_TIMES += """
L|Quick x-ray they said. Two and a half hours later still sat here.
M|8 hours in the paeds ER with a toddler who has a 40 fever, no cubicle, no paracetamol until hour 5.
M|Been on a trolley in the corridor since yesterday afternoon. No window, lights on all night.
M|Results from my smear were meant to take two weeks. It's been eleven.
L|Every blood clinic visit is an hour's queue. Just put in a ticket system ffs.
M|Cardiology follow up was meant to be in 6 weeks. It's been 8 months and I've heard nothing.
US:M|Checked in at 2pm, triaged at 6, roomed at 9, seen by a doctor at midnight. Welcome to the ER.
M|Fracture clinic said come at 9. Called in at 1:30.
M|how is it normal to wait 2 years for a knee op. i'm 71
L|Waiting room at the eye clinic, 90 mins behind schedule and counting.
H|My dad waited 11 hours on a plastic chair in {ae} with a suspected stroke.
M|Scan done in June, report "still not back" in September.
L|Outpatients always runs at least an hour late. Pointless giving anyone a time.
M|Over a year waiting for a routine ENT appointment. Can't hear out of one ear.
M|Paramedics were great but the handover queue outside {hosp} meant we were in the ambulance for 4 hours.
"""

APPOINTMENTS_ACCESS += """
M|Every morning it's the same, redial redial redial, then "no more appointments today".
L|The practice website has been "under maintenance" for a month so you can't order prescriptions.
M|Referral sent in May apparently never arrived. Nobody checked. We only found out when I chased in August.
M|Booked a face to face, got a text the day before saying it's now a phone call. It's a skin rash. You need to see it.
US:M|Insurance needs a referral from my PCP but my PCP has no openings for 3 months.
M|Third cancelled clinic in a row for my son's epilepsy review.
L|Practice closes for lunch and the phone line shuts too. Only time I can call.
M|Can't get my mum's housebound visit booked, they say she should come in. She can't get out of bed.
L|Booked a smear online, turned up, they'd no record of it.
M|Cancelled my heart scan the morning of with no new date and no explanation.
M|Urgent referral to gynae "rejected" and bounced back to the GP with no explanation.
L|Had to take a whole day off for an appointment that was cancelled while I was sat in the waiting room.
M|The phone menu has 9 options and none of them is "speak to a person".
M|Told I had to be seen by the nurse first, nurse has no appointments, so I can't be seen by anyone.
"""

BILLING_INSURANCE += """
US:L|Got charged a $150 "no show" fee for an appointment they rescheduled without telling me.
US:M|Hospital billed my insurance as out of network even though I checked beforehand and got it in writing.
L|Private clinic took the deposit twice and says refunds take 90 working days.
US:L|Three separate bills for one ER visit, from three companies I've never heard of.
US:L|They're charging me for a "complex visit" because I asked two questions.
UK:L|Paid £250 for a private physio package and they cancelled half the sessions with no refund.
US:M|My claim has been "pending review" for five months and now the hospital wants me to pay in full.
L|Overcharged for my prescription and the pharmacy and the hospital keep blaming each other.
US:L|Billed for a private room I didn't ask for and didn't get.
US:L|Phone tree for billing questions just hangs up after 20 minutes.
"""

ADMISSION_DISCHARGE += """
H|Sent home with someone else's medication in my bag. Different name, different drug.
M|The wait for a bed in {ae} tonight is apparently 20 hours. There are people on chairs everywhere.
M|Four hour wait for a bed in the children's ward, my daughter asleep on two plastic chairs.
M|Sent home from {ae} at 4am with a broken rib and no way of getting home.
M|They discharged my gran but forgot to take her cannula out. The district nurse had to do it.
H|Discharged the same day as a c-section complication, ended up back in with an infection.
M|Patient transport booked for 10am, dad finally left the ward at 7pm.
L|Discharge meds were wrong so we had to go back to the ward pharmacy the next day.
M|Mum stuck in a hospital bed for 6 weeks because no one could agree who pays for her care at home.
M|Arrived for admission, waited in a corridor for 7 hours, then told to come back tomorrow.
US:M|Hospital tried to discharge my dad to a nursing home we'd never heard of, 40 miles away.
M|Rushed out of the postnatal ward before the baby's hearing test, now we have to come back.
H|Discharged with a broken ankle that wasn't picked up because nobody x-rayed it before they sent her home.
M|Told {rel} was medically fit to go, no assessment of whether {he} could manage the stairs at home.
"""

FACILITIES_ENVIRONMENT += """
L|Two hours circling the car park. Two hours. Missed the appointment and got charged anyway.
L|Breakfast was a cold slice of toast at 9:30 and that was it till 12.
L|Ceiling leaking into a bucket in the middle of the waiting room.
L|Bedside call bell didn't work, had to shout for help.
L|Lights on the ward stay on all night and there's no blackout curtains. Zero sleep.
L|Parking machine only takes coins. Who carries coins anymore?
M|Bathroom on the ward had no lock and the light didn't work.
L|The heating's been off in outpatients all week and everyone's sat in coats.
L|The only lift to the maternity floor is always out of action.
L|Tiny waiting room, no air, 40 people coughing.
US:L|Valet parking is the only option after 5pm and it's $15 a pop.
L|Kids' play area closed for a year and nothing for children to do in a 4 hour wait.
L|Tea trolley never came round once in three days.
"""

COMMUNICATION += """
M|I'm deaf and had to lip read a masked doctor because they wouldn't book a BSL interpreter.
H|Asked for an interpreter and was told to bring my 10 year old to translate.
M|Told to expect a call with my results "this week". That was five weeks ago.
M|Found out my operation had been cancelled when I turned up for it.
M|Nobody explained what the procedure involved, I signed the form not knowing what it was.
M|Asked to speak to the doctor in charge of my mum's care. Three days later, still nobody.
L|The letter said to bring a urine sample but not how or in what.
M|Dad was moved to a different hospital overnight and no one phoned us. We found out from the cleaner.
M|Every phone call to the ward ends with "someone will call you back". They don't.
M|My mum's first language isn't English and nobody bothered to use the interpreter line.
US:M|Called the nurse line four times about my post-op swelling, nobody ever called me back.
M|The consultant's secretary doesn't answer the phone or reply to emails. I've tried for a month.
M|They diagnosed my son with diabetes and sent us home without explaining how to do his insulin.
M|Nobody told us dad had fallen. We saw the bruises when we visited.
L|Hospital texts me appointment reminders for the wrong clinic.
"""

STAFF_ATTITUDE += """
M|They keep talking to my carer instead of me. I'm deaf, not stupid.
M|The sonographer didn't say a single word to me for the whole scan and then just left.
M|Got told off like a child by the receptionist for being 3 minutes late.
M|Staff nurse was short with everyone all night and made an old lady cry.
M|GP was on his phone texting through my appointment.
US:M|The attending was condescending and called me "sweetie" while ignoring everything I said.
M|They made my husband feel like a nuisance for asking when he could have water.
M|The HCA yanked my mum up the bed by her arms, no care, no gentleness at all.
M|Snapped at for pressing the buzzer "too often". I needed the toilet.
M|My son is autistic and the doctor spoke about him like he wasn't there.
M|Receptionist told me "we're not a charity" when I asked about free parking for chemo patients.
M|I was crying in pain and a nurse told me to be quiet because other patients were sleeping.
M|The midwives gossiped about me at the nurses station. I could hear every word.
M|That GP has the bedside manner of a brick wall.
"""

PRIVACY_RIGHTS += """
M|Receptionist asked me to explain my symptoms in front of a queue of people. It was about my bowels.
H|My sexual health results were posted to my parents' address. I moved out years ago and told them.
M|Male nurse did my ECG without asking if I wanted a female member of staff or a chaperone.
M|My care plan was discussed with my sister without my permission.
M|Curtains barely closed and people kept walking through while I was being catheterised.
H|My ex works at the hospital and has been accessing my records. The hospital won't tell me what they're doing about it.
M|They wouldn't let my partner stay because we're not married.
M|Called "the overdose in bay 3" loud enough for everyone to hear.
M|I was the only black woman on the ward and the only one who had to ask four times for pain relief.
"""

# Answers typed into feedback forms ("What could we have done better?"): short, often a suggestion
# rather than a story. Written as category|severity|template like the news reports above.
SURVEY_COMPLAINTS = """
wait_times|L|Shorter waiting times.
wait_times|M|Waiting time far too long, over {hours} hours to be seen.
wait_times|L|Reduce the wait in {ae}.
wait_times|L|Less waiting around for the doctor.
wait_times|L|Long wait to be seen but the staff were nice.
wait_times|L|The wait for results was too long.
wait_times|L|Took too long to be seen.
wait_times|L|Clinic was running an hour late.
wait_times|M|Waited most of the day for a scan that took five minutes.
appointments_access|L|Make it easier to get an appointment.
appointments_access|L|Answer the phone!
appointments_access|L|More appointments available please.
appointments_access|L|Better booking system, the phone lines are always engaged.
appointments_access|L|Let us book online.
appointments_access|L|Impossible to get through on the phone at 8am.
appointments_access|M|Stop cancelling appointments at short notice.
appointments_access|L|More evening and weekend appointments for people who work.
communication|M|Better communication between departments.
communication|M|Keep relatives informed.
communication|L|More information about what is happening and why.
communication|L|Explain things more clearly.
communication|L|Send letters out on time.
communication|L|Tell us how long the wait is going to be.
communication|M|Nobody explained my results to me.
communication|M|Listen to patients and their families.
communication|L|Let us know if the clinic is running late.
staff_attitude|M|Receptionists could be a lot friendlier.
staff_attitude|M|Some of the staff were rude.
staff_attitude|M|The doctor was abrupt and didn't seem to care.
staff_attitude|M|More caring attitude from the night staff.
staff_attitude|L|Staff could smile once in a while.
staff_attitude|M|Reception staff were unhelpful and short with me.
clinical_quality|M|The doctor didn't examine me properly.
clinical_quality|M|Felt rushed and not thoroughly checked.
clinical_quality|M|Better pain management after the operation.
clinical_quality|M|My problem still hasn't been sorted.
clinical_quality|M|The treatment didn't help at all.
clinical_quality|M|Got the wrong diagnosis first time round.
clinical_quality|L|A proper examination instead of a quick chat.
facilities_environment|L|Cheaper parking.
facilities_environment|L|More parking spaces.
facilities_environment|L|Better food.
facilities_environment|L|Cleaner toilets.
facilities_environment|L|Too noisy at night to sleep.
facilities_environment|L|The ward was far too hot.
facilities_environment|L|More comfortable chairs in the waiting room.
facilities_environment|L|Free TV for patients.
facilities_environment|L|Somewhere to get a hot drink in the evening.
admission_discharge|M|The discharge process took all day.
admission_discharge|L|Quicker discharge.
admission_discharge|M|Sort the discharge medication out faster.
admission_discharge|M|Waited hours for a bed on the ward.
admission_discharge|M|I was sent home too early.
billing_insurance|L|Cheaper prescription charges.
billing_insurance|L|Clearer bills.
billing_insurance|L|Tell people the cost before treatment.
safety|H|More staff on nights, it didn't feel safe.
safety|M|Staff should wash their hands between patients.
safety|H|Make sure patients get their medication on time.
safety|H|Check patients' allergies before giving medicine.
privacy_rights|M|More privacy at reception.
privacy_rights|M|Close the curtains properly during examinations.
privacy_rights|M|Don't discuss patients where other people can hear.
privacy_rights|M|Ask before letting students in.
"""
