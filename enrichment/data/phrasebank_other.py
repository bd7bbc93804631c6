# ruff: noqa: E501  (data: one post per line reads better than wrapped strings)
"""Hand-written non-complaint cores (stdlib only; read by build_labelled_posts.py).

Same template syntax as phrasebank_complaints.py, without a severity. These are the hard negatives:
praise (often with complaint-like words: "wait", "pain", "died"), neutral updates, questions, prayers,
neutral news (including deaths, assaults and lawyers that are not complaints about care), posts by the
hospital itself, other things that share a hospital's name, and general chatter.
"""

PRAISE = """
Huge thank you to the staff on {ward} at {hosp}. They looked after {rel} like family.
Seen in {ae} within 40 minutes, x-ray, cast and home in two hours. Brilliant.
Can't fault {gp}. Same day appointment and the doctor really listened.
{Rel} passed away peacefully on {ward} last night. The nurses were so kind to {him} and to us. Thank you.
The midwives at {hosp} were incredible, calm and reassuring through a really scary birth.
Clean, quick, friendly. Couldn't ask for more.
I was dreading my colonoscopy but the team made it so easy and kept me laughing.
Credit where it's due, the ambulance came in eight minutes and the paramedics were amazing.
After three years of being fobbed off elsewhere, the consultant at {hosp} finally diagnosed me. So grateful.
The night nurse sat with my dad when he was frightened. Small things make a huge difference.
The NHS gets a lot of stick but {hosp} was faultless today.
Op went well, surgeon came to see me twice and the food was actually decent!
My son has been in critical care for a week and the staff have been unbelievable.
Amazing physio team. Walking again six weeks after my knee replacement.
No wait at all at the walk in centre this morning, in and out in half an hour.
Thank you to Dr Okafor at {gp} for taking my anxiety seriously.
The receptionist went out of her way to find me an appointment today. Absolute legend.
First chemo session at {hosp} today. The nurses were lovely and explained everything.
Honestly the best care I've ever had. Every single person was kind.
Long wait in {ae} but that's because it was packed, and once we were seen the doctor was fantastic.
The staff on the children's ward made a terrifying week bearable. We can't thank them enough.
Wanted to say thanks to the porter who chatted to my nan all the way to x-ray. Made her day.
Dr Hughes is the most thorough doctor I've ever seen. Explained every result in plain English.
The hospice team gave my mum a dignified, peaceful death and supported us all the way through.
Had my cataract done at {hosp}, 20 minutes start to finish and I can see clearly again.
The stroke unit saved my husband's life. Fast, calm and so professional.
My GP rang me back within an hour and sorted my prescription. Can't ask for better.
Brilliant experience at {clinic}. On time, friendly and very clear about what happens next.
Whoever runs the kitchen at {hosp}, the shepherd's pie was genuinely good.
Five stars for the sexual health clinic. Non-judgemental, quick and discreet.
Our baby was born at {hosp} last week and the labour ward team were absolute superstars.
The ICU nurses treated my dad with such dignity in his last days. We will never forget it.
Receptionist was lovely, the nurse was gentle and the doctor explained everything. Perfect.
Mental health crisis team were kind and patient with my daughter tonight. Thank you.
Honestly impressed. Booked online, seen on time, results the next day.
Came in terrified for my biopsy and left feeling reassured. The team were brilliant.
The discharge team sorted everything, meds were ready and transport turned up on time.
So grateful to the district nurses who visit mum every day. Angels, all of them.
They found my bowel cancer early through screening and the surgery went perfectly.
Parking was easy, the clinic was spotless and I was seen early. Didn't expect that.
The consultant sat down with us for an hour to explain dad's options. Never felt rushed.
Wow. In and out of the eye clinic in 25 minutes. Very efficient.
Massive thanks to the team in resus who worked on my son. He's home and doing well.
Nothing but praise for the maternity team at {hosp}.
I've had nothing but kindness from the oncology nurses throughout my treatment.
Best GP practice in the area, honestly. Always get a call back the same day.
Had a fall and the paramedics were amazing, so gentle with me.
I want to thank the cleaners on {ward} too, the place was spotless every day.
Ten days in {hosp} and I can't think of a single thing I'd change.
Absolutely brilliant team in the fracture clinic. Friendly and knew exactly what they were doing.
The nurses on night shift were so patient with my confused grandad. Heroes.
Dr Singh spent ages with me and actually listened. First time in years I've felt heard.
The pharmacy team at {hosp} are superb, always helpful on the phone.
I'm a nervous patient and the dental team were so gentle. I'll actually go back.
The new {ae} at {hosp} is so much better. Clean, calm and we were seen quickly.
Thank you {hosp} for looking after my wife and our twins. We're home and we're all doing great.
US:Our nurse in the ER was amazing, checked on us every 20 minutes and got my son a popsicle.
US:Shout out to the billing office at {hosp}, they sorted my insurance mess in one phone call.
US:The urgent care on Main St was quick, friendly and they took my insurance with no fuss.
US:Best pediatrician we've ever had, so patient with my anxious daughter.
UK:Had my booster at the surgery today, in and out in five minutes. Well organised.
UK:Respect to the paramedics and the A&E staff tonight, rammed but still smiling.
Couldn't have been more helpful if they tried. Thank you to everyone at {clinic}.
My dad died last month at {hosp} and I just want to say how kind everyone was to him.
I was in so much pain when I arrived but they had me comfortable within the hour. Grateful.
The doctor rang the next morning to check on me. Didn't expect that at all.
Was worried about the wait but the triage nurse kept us updated the whole time.
Super efficient blood clinic, walk in and out in ten minutes.
Shout out to the healthcare assistant who brushed my mum's hair every morning. That's care.
Lovely team in the day surgery unit. Calm and reassuring from start to finish.
Big thanks to the staff who stayed late to make sure my op went ahead.
Genuinely the kindest team I've come across. Faultless from start to finish.
"""

NEUTRAL_UPDATES = """
Back at {hosp} for my six month check up.
Day three on {ward}. Dad's eating a bit more today.
Got my flu jab at the pharmacy on the way home.
{op} booked for the 14th. Nervous!
Had bloods taken this morning, results in about a week apparently.
Home today after four days in {hosp}. Nothing like your own bed.
Baby girl born at {hosp} at 3:42am, 7lb 1oz. Mum and baby doing well.
Tested positive for covid this morning, isolating for five days.
Dad is in a critical but stable condition after his accident yesterday.
Cast off today! Six weeks went quickly.
Hospital appointment at 2, then back to work. Living the dream.
Sitting in the waiting room at {clinic} with a book. Could be worse.
First physio session done. Legs like jelly.
Mum's surgery is tomorrow morning at {hosp}. Fingers crossed.
Dropped my nan off for her cataract appointment, picking her up at 3.
Had a scan today, won't know anything for a couple of weeks.
Visiting my grandad on {ward} this evening, bringing him the crossword.
Started my new job as a healthcare assistant at {hosp} today!
Covid test came back negative so I can finally visit mum.
Recovering from my {op}, lots of films and soup this week.
{kid} has chickenpox. Off nursery for the week.
My blood pressure was a bit high so they want to check it again next month.
Just got my appointment letter for the hearing clinic.
Results are back and everything's clear. Huge relief.
Discharged this afternoon with a bag full of meds and strict orders to rest.
Spent the day at {hosp} with my mum for her chemo. Long day, she's tired but ok.
They're keeping dad in overnight for observation just to be safe.
Two weeks post op and finally walking to the end of the road.
Waiting for the doctor to come round on the ward round, then hopefully home.
Had my first antenatal appointment today. It's real now!
"""

QUESTIONS = """
Does anyone know if {hosp} has free parking at weekends?
What are the visiting hours on {ward} at the moment?
Is the walk-in centre open on bank holidays?
How long does it usually take to get biopsy results back?
Anyone had a hip replacement at {hosp}? What was recovery like?
Can I bring food in for my mum while she's on {ward}?
Which entrance do I use for the fracture clinic at {hosp}?
Do you need a GP referral to be seen at {clinic}?
Is {ae} at {hosp} busy tonight? Thinking of taking my son in.
What's the wait like at urgent care right now, anyone there?
Anyone know a good GP practice in Elmwood that's taking new patients?
Does {hosp} do evening phlebotomy appointments?
How do I get a copy of my discharge summary?
Is there a cash machine inside {hosp}?
Can partners stay overnight on the maternity ward at {hosp}?
What should I pack for a three day stay after a c-section?
Has anyone used the physio self-referral service? How does it work?
Is it normal to feel this tired two weeks after an operation?
Which bus goes to {hosp} from the train station?
Where do I park for the outpatients building?
Do I need to fast before a routine blood test?
Can I change my appointment online or do I have to phone?
Does the minor injuries unit do x-rays at weekends?
How early should I arrive for a 9am MRI?
Is there a chapel or quiet room at {hosp}?
Will my insurance cover an urgent care visit out of state?
Can my GP prescribe HRT or do I need to see a specialist?
Is there wifi on the wards at {hosp}?
Anyone know if the eye clinic at {hosp} has moved?
How long does a referral to dermatology usually take round here?
Is the hospital shop open on Sundays?
Can I visit my dad in ICU with my 12 year old?
What's the best way to thank the nurses who looked after my mum?
Do they let you keep your phone during surgery prep?
Where can I get a flu jab for my toddler?
Is it worth going private for a knee scan or just waiting?
How do I register as a blood donor at {hosp}?
Does {hosp} have a breastfeeding support group?
Are there any cheap places to stay near {hosp} for a week while my husband is in?
Who do I speak to about volunteering at {hosp}?
Anyone know what time the pharmacy at {hosp} shuts?
Is it 111 or 999 for a suspected broken wrist? Not sure if it counts as an emergency.
US:Does anyone know if {hosp} is in network for Aetna?
US:How much is a typical urgent care copay without insurance?
UK:How long does it take to get an NHS dentist appointment after registering?
"""

PRAYERS = """
My dad is in critical condition at {hosp}. Please pray for him.
Please keep my little girl in your prayers tonight, she's in intensive care.
Grandma's surgery is today, sending all the positive vibes her way.
Rest in peace Uncle Joe, who passed away last night surrounded by his family.
Praying for everyone in ICU tonight and all the families waiting.
My best friend was in a car crash and she's in intensive care. Please pray.
Sitting outside theatre while my son has his operation. Longest four hours of my life.
Sat in the hospital waiting room for six hours while mum is in surgery. Please let it go well.
Lost my grandad this morning. Heartbroken. 85 years of love.
My wife went into labour at 28 weeks, baby is in the NICU. Please send love.
Mum has had a stroke and is at {hosp}. We don't know much yet.
Thinking of my brother who starts chemo on Monday. You've got this.
Dad didn't make it. Thank you all for the messages.
Can't stop crying. My nan has days left, the doctors say.
Spending Christmas on the children's ward this year. Thank you to everyone sending gifts.
Long night by my husband's bed in {hosp}. Critical but stable. Keep praying.
My little boy is having open heart surgery tomorrow. Please think of him.
The hardest phone call. Mum has cancer. One day at a time.
My cousin was stabbed last night and he's fighting for his life at {hosp}. Pray for him.
Tomorrow is a year since we lost dad. Miss you every day.
"""

NEWS_NEUTRAL = """
{hosp} opens new £12m cancer centre
{hosp} names new chief nursing officer
{hosp} to trial artificial intelligence for reading chest x-rays
Nurses at {hosp} celebrate 75 years of the NHS with a garden party
Hospital charity raises £40,000 for new children's ward at {hosp}
Flu cases rise as {hosp} urges eligible people to get vaccinated
Junior doctors to strike next week. {hosp} says some planned operations may be rescheduled
{hosp} reports record number of births in 2023
Visiting restrictions lifted at {hosp} as covid cases fall
Surgeon at {hosp} performs region's first robotic knee replacement
A man has died after a crash on the A38. He was taken to {hosp} but could not be saved, police said
Police appeal for witnesses after man assaulted in town centre and taken to {hosp} with head injuries
Former nurse and lawyer elected to {hosp} board of governors
Court hears case of man who stole an ambulance outside {hosp}
Reporter spends a night shift with the emergency team at {hosp}
{hosp} named one of the best places to work in the region
New car park with 600 spaces to open at {hosp} next spring
{hosp} appoints first consultant in sports medicine
Work begins on £30m expansion of {hosp}'s emergency department
Retired consultant who worked at {hosp} for 40 years dies aged 92
Two people taken to {hosp} after fire at a block of flats, fire service says
Student nurses at {hosp} win national award for dementia project
{hosp} to offer evening and weekend scans to cut waiting lists
Teenager in critical condition at {hosp} after being hit by a car
Charity skydive raises money for {hosp}'s neonatal unit
{hosp} switches to electric patient transport vehicles
Health minister visits {hosp} to open new diagnostic centre
Cyclist seriously injured in collision, airlifted to {hosp}
Blood donation sessions at {hosp} extended after appeal for donors
Patients invited to help design new maternity unit at {hosp}
{hosp} and university launch joint research into long covid
Police investigating sudden death of man found at park near {hosp}
{hosp} celebrates 100 years since its founding
Smoking shelters removed from {hosp} grounds as site goes smoke free
Local MP praises staff during visit to {hosp}
{hosp} launches recruitment drive for overseas nurses
US:{hosp} earns Magnet recognition for nursing excellence
US:{hosp} breaks ground on new outpatient surgery center
US:Man charged with assault after fight outside {hosp} parking garage
UK:Heatwave: {hosp} reminds public to use 111 for minor illnesses
Pharmacy at {hosp} to open 24 hours a day from next month
{hosp} study finds new drug cuts stroke risk by a third
"""

ORG_POSTS = """
We're hiring! Band 5 nurses wanted on our surgical wards. Apply via the link.
Reminder: our flu clinic runs every Saturday in October, no appointment needed.
Our {ae} is very busy today. Please use 111 or your GP for anything that isn't an emergency.
Thank you to our amazing volunteers, who gave 20,000 hours last year.
Join us for our open day this Saturday, 10am to 2pm.
Meet Sarah, one of our specialist stroke nurses, who has worked here for 15 years.
Car park C will be closed on Monday for resurfacing. Please use car park A.
Our new patient portal launches next week. Here's how to sign up.
Happy International Nurses Day to all our incredible nursing staff!
We're proud to announce our maternity unit has been rated good by inspectors.
Visiting times on our wards are changing from 1 March. Details on our website.
Coffee morning in the main atrium on Friday, all proceeds to the children's ward.
Please don't come to hospital if you have diarrhoea or vomiting. Help us stop the spread.
Congratulations to our pharmacy team on winning regional team of the year!
We're trialling a new text reminder service for outpatient appointments.
"""

NAME_COLLISIONS = """
Holloway Road is gridlocked again, avoid if you can.
Anyone been to Cedar Point this summer? The new coaster is insane.
Northgate shopping centre car park is a nightmare on Saturdays.
Pinecrest ski resort opening date announced, can't wait!
Harbourview apartments putting the rent up again. Third time in two years.
Elmwood Avenue closed for roadworks all week. Fun.
Have mercy, this heat is unbearable.
Lord have mercy, that final was stressful.
Grey's Anatomy season finale had me in tears.
Doctor Who was brilliant tonight, best episode in years.
Monaco GP was the most boring race of the season.
The surgery on my car cost more than the car is worth.
My phone battery is in critical condition lol.
Ward 3 council by-election results are in.
I'm sick of this weather already.
That goal was sick!!
Stay positive, it's nearly Friday.
New Critical Role episode tonight, who's watching?
Be patient with yourself today.
Tickets for the theatre on Saturday, can't wait.
Northgate FC lose again. Relegation looks certain.
The Holloway Arms does the best Sunday roast in town.
Cedar Point Marina is packed this weekend, couldn't find a berth.
Fairhaven beach was heaving today, no parking anywhere.
Elmwood Primary School fete this Saturday!
Traffic backed up on the Northgate bypass after a lorry broke down.
My plants are in intensive care after my holiday.
Cedar Point Road bus stop has been vandalised again.
Holloway station lifts broken again, had to carry the pram up the stairs.
The waiting list for the Pinecrest golf club is three years. Madness.
Brookmere Leisure Centre pool closed for a week, so annoying.
Went to Harbourview market, the cheese stall is incredible.
Anyone know a good mechanic near Northgate? My clutch has gone.
Just saw the ER reruns are on again, such a good show.
The A&E budget for the arts council has been cut, says the culture secretary.
House of the Dragon episode was a bloodbath, emotional damage.
Fantasy football team is in critical condition after this weekend.
This traffic on Holloway Road is killing me.
Cedar Point Clinic... the band, not the hospital, new album out Friday!
"""

CHATTER = """
Can't believe it's Monday again already.
Best pizza in town? Go.
Train cancelled again. Great start to the week.
My broadband has been down for three days and nobody at the provider cares.
Anyone watching the match tonight?
Finally finished painting the kitchen.
Coffee shop on the high street does the best flat white.
Waited two hours for a bus in the rain. Never again.
My bank kept me on hold for an hour and then hung up.
New trainers arrived, absolutely buzzing.
The dog has eaten another sock.
Who's going to the festival this year?
Parcel delivered to the wrong house again. Third time this month.
Gym was packed tonight, couldn't get on a single machine.
Can someone explain why printers never work when you need them?
Three weeks waiting for my new sofa and it arrived the wrong colour.
Big shout out to my mum for her 60th today!
Council still hasn't collected the bins. Two weeks now.
This new phone's battery is terrible.
School run in the rain is character building.
Landlord won't fix the boiler. Week two of cold showers.
Just booked my holiday, counting the days.
Airline lost my luggage and the helpline is useless.
Loving this sunshine.
Why is every supermarket out of eggs?
Restaurant was lovely but the service was so slow.
Need book recommendations for the summer.
Garden centre trip with my nan, she bought six more plants.
The roadworks outside my house start at 7am every single day.
Our wifi router is held together with tape and hope.
Rain again. Of course.
Got a new puppy!
My internet provider charged me twice this month and won't refund it.
Anyone else's energy bill gone through the roof?
"""

# Second batch: non-complaints full of the words complaints use (waits, bills, referrals, discharge).
NEUTRAL_UPDATES += """
Referral to cardiology has gone through, appointment in about six weeks.
Got my discharge letter today, need to drop it at the GP.
Bill from the hospital arrived, insurance covered most of it. Phew.
Parking at {hosp} is £3 for two hours now, good to know for next time.
Pre-op assessment done, bloods and ECG, surgery date in the post.
Rang the practice at 8, got an appointment for Thursday.
Moved to {ward} this afternoon, better view of the car park at least.
Ambulance came, paramedics checked dad over and he's staying home tonight.
My consultant wants another scan before deciding on surgery. Makes sense.
Results letter came. Slightly low iron, so tablets for three months.
Nurse rang to say my biopsy is benign. Huge relief.
Booked in for my second jab at the walk in next week.
They've changed my tablets to a lower dose, see how it goes.
Waiting for the pharmacy to do my discharge meds, should be home by tea time.
Mum's been moved from ICU to a normal ward today. Big step.
Seen by the triage nurse, now waiting to see the doctor. Hopefully not long.
Insurance approved the MRI, booked for next Tuesday.
Appointment moved to the new clinic building, letter had a map which helped.
Two hours in {ae} tonight with my son's wrist. Just a sprain, thankfully.
Day case surgery tomorrow, nil by mouth from midnight.
The ward sister says dad should be home by the weekend if his bloods stay stable.
Filled in the feedback form for the maternity unit today.
Got a text reminder for my eye appointment, handy.
Stitches out at the practice nurse tomorrow.
"""

QUESTIONS += """
How long is the average wait in {ae} on a Saturday night?
Does anyone know how to get a copy of an itemized bill from {hosp}?
What happens at a pre-op assessment? First operation, a bit nervous.
Can you self refer to physio in this area or does it have to be the GP?
Is the discharge lounge at {hosp} near the main entrance?
If my appointment gets cancelled do they automatically rebook it?
Does anyone know whether the parking charges are capped for long stays?
How do I find out where I am on the waiting list?
What's the number for the patient advice service at {hosp}?
Can I request a female doctor for my smear?
Who do I ask about getting my mum's medical records sent to her new GP?
Is it normal for biopsy results to take three weeks?
How do hospital complaints actually work? Asking for a project at uni.
Does the children's ward let both parents stay overnight?
What are the food options like for visitors at {hosp}?
"""

PRAISE += """
Bill was exactly what they quoted, and the billing team explained every line. Rare!
Parking was free for the first 30 minutes which was all I needed. Good system.
Discharge was smooth, meds ready, letter done, home by lunch.
Called the appointments line and got through in two minutes. Booked for next week.
The interpreter they booked for my mum was excellent and so patient.
Ward was quiet and clean and the food was better than I expected.
The nurse explained my results clearly and gave me time to ask questions.
My referral was processed really quickly, seen within two weeks.
Privacy was respected, curtains always closed and they asked before students came in.
Waited about an hour in {ae} which honestly is fine given how busy it was. Lovely staff.
The receptionist was so helpful when I was in a panic about my daughter.
They kept us updated the whole time dad was in theatre. Made a huge difference.
Insurance issue sorted by the hospital's patient advocate in one call. Thank you.
Honest, kind and clear. That's all you want from a doctor.
"""

# Feedback-form answers that are not complaints.
SURVEY_OTHER = """
Nothing, everything was great.
Nothing to improve.
Keep doing what you are doing.
All good, thank you.
Very happy with the service.
Staff were brilliant from start to finish.
No improvements needed.
Can't think of anything.
Quick and efficient.
N/A
Fine.
Everything was explained well.
The nurse was very kind and gentle.
Seen on time and treated with respect.
Excellent service as always.
I was listened to and felt cared for.
Friendly and professional staff.
Good experience overall.
The doctor took time to explain everything.
Nothing could be better.
Clean, calm and well organised.
Thank you to everyone on the ward.
"""
