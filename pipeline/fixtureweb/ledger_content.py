"""The Ledger's articles and prose: the data both the pages and the manifest are made from."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from pipeline.fixtureweb.stories import Story, compose_blocks

SITE = "ledger"
# New York time: EDT until 1 November 2026, EST after, so the pages carry both offsets.
EDT = timezone(timedelta(hours=-4))
EST = timezone(timedelta(hours=-5))

SECTIONS: dict[str, str] = {
    "world": "World",
    "business": "Business",
    "technology": "Technology",
    "science": "Science",
}

BANK: dict[str, tuple[str, ...]] = {
    "world": (
        "Officials said the decision would be reviewed again in the spring.",
        "Diplomats from three neighbouring countries attended the session as observers.",
        "The proposal had been debated for the better part of a decade before reaching a vote.",
        "Opposition members argued that the timetable left too little room for public consultation.",
        "Local newspapers described the mood in the capital as cautious rather than celebratory.",
        "A spokesman for the interior ministry declined to comment on the figures.",
        "Aid groups said the first convoys could arrive within a fortnight if the roads stay open.",
        "Residents interviewed near the main square were divided over what the change would mean for them.",
        "The agreement still needs to be ratified by two regional assemblies.",
        "Analysts noted that a similar plan collapsed in 2019 after a change of government.",
        "Turnout was higher than expected, particularly among voters under thirty.",
        "The announcement came hours after a late-night meeting of the coalition partners.",
        "Several embassies issued travel advisories urging caution near the border crossings.",
        "A full report is expected to be published before the end of the year.",
    ),
    "business": (
        "Shares in the company rose by almost four per cent in early trading.",
        "The figures were slightly better than analysts had forecast in a survey last month.",
        "Executives said higher borrowing costs had forced them to delay two expansion projects.",
        "The board will present a revised plan to shareholders at the annual meeting in March.",
        "Suppliers have been asked to accept longer payment terms for the rest of the year.",
        "Economists cautioned that a single quarter of growth does not make a recovery.",
        "The deal, if approved by regulators, would create the largest operator in the region.",
        "Inventories fell for the third consecutive month as retailers cleared winter stock.",
        "Unions said they had not been consulted about the planned changes to shift patterns.",
        "The central bank's next rate decision is due in the second week of December.",
        "Smaller competitors warned that the merger would leave customers with fewer choices.",
        "The company said it would keep its headquarters in the city for at least five years.",
        "Exports to neighbouring markets accounted for roughly a third of the increase.",
        "Investors will be watching the holiday season closely for signs of weaker demand.",
    ),
    "technology": (
        "The company said no customer passwords or payment details had been exposed.",
        "Engineers traced the fault to a configuration change that was rolled out overnight.",
        "Rivals have been racing to ship similar features before the end of the year.",
        "Privacy advocates questioned how long the collected data would be retained.",
        "The update will reach older devices later, according to a support page published on Monday.",
        "Developers who build on the platform were notified by email two weeks in advance.",
        "Independent researchers said the benchmark results were broadly in line with their own tests.",
        "The software is open source and has been downloaded more than two million times.",
        "A spokeswoman said the team was working around the clock to restore full service.",
        "Regulators in Europe are expected to publish their own guidance early next year.",
        "Battery life, not processing power, remains the most common complaint from users.",
        "The start-up raised its latest funding round at a valuation of about 400 million dollars.",
        "Smaller schools said they lacked the staff to support the new devices.",
        "The feature is switched off by default and must be enabled in the settings menu.",
    ),
    "science": (
        "The findings were published in a peer-reviewed journal on Wednesday.",
        "Researchers cautioned that the sample was small and the results need to be replicated.",
        "The team spent three field seasons collecting measurements at the site.",
        "Funding for the project came from a mix of public grants and private foundations.",
        "Similar patterns have been observed in at least two other regions, the authors noted.",
        "Data from the study will be made freely available to other scientists next year.",
        "The instrument was calibrated against readings taken by a satellite passing overhead.",
        "Volunteers helped to count and photograph the animals over a period of six weeks.",
        "Previous estimates had relied on models rather than direct observation.",
        "The next phase of the work will extend the survey to deeper water.",
        "Colleagues who were not involved in the research called the approach ingenious.",
        "Temperatures at the station have risen by about one degree since records began.",
        "The samples are now stored in a freezer at minus eighty degrees.",
        "Further tests are planned once the winter storms have passed.",
    ),
}

SUBHEADS: dict[str, tuple[str, ...]] = {
    "world": ("What happens next", "A long road to agreement", "Reaction on the ground"),
    "business": (
        "What it means for customers",
        "The numbers behind the deal",
        "A cautious outlook",
    ),
    "technology": ("How it works", "What users should do", "The bigger picture"),
    "science": ("How the study was done", "Why it matters", "Open questions"),
}

# (section, local date-time, slug, title, authors, lead, [opening, distinctive, quote])
_SPECS: tuple[tuple[str, str, str, str, tuple[str, ...], str, tuple[str, str, str]], ...] = (
    (
        "world",
        "2026-11-24 07:45",
        "harbour-city-flood-barrier",
        "Harbour city votes to finish its stalled flood barrier",
        ("Jane Doe", "John Roe"),
        "Councillors approved the final stage of a barrier first proposed after the storms of 2014.",
        (
            "The city council in Porto Vell voted 31 to 9 on Monday night to fund the last two kilometres of its sea wall.",
            "Engineers estimate that the completed barrier will protect about 48,000 homes from a one-in-two-hundred-year surge.",
            "\u201cWe cannot keep patching the same wall every winter,\u201d said Mayor Elena Ruiz after the vote.",
        ),
    ),
    (
        "world",
        "2026-11-21 12:10",
        "rail-strike-ends-after-nine-days",
        "Rail strike ends after nine days as drivers accept new rota",
        ("Maria Okafor",),
        "Trains will run a full timetable from Thursday after union members backed the offer.",
        (
            "Members of the drivers\u2019 union voted by a narrow margin to accept a revised rota that limits weekend shifts.",
            "The nine-day stoppage cancelled roughly 14,200 services and cost the operator an estimated 61 million euros.",
            "\u201cNobody wins a strike like this, but the rota is fairer than it was,\u201d said union secretary Paul Brandt.",
        ),
    ),
    (
        "world",
        "2026-11-17 09:30",
        "island-nation-opens-first-university",
        "Island nation opens its first university after decades of sending students abroad",
        ("Jane Doe",),
        "The campus on Tavira Island will admit 600 students in its first year.",
        (
            "Students on Tavira Island no longer have to cross an ocean to earn a degree.",
            "The first intake includes 212 students who will study marine engineering, a subject chosen for the island\u2019s shipyards.",
            "\u201cMy parents both had to leave to study, and only one of them came back,\u201d said first-year student Ana Lopes.",
        ),
    ),
    (
        "world",
        "2026-11-12 16:05",
        "border-crossing-reopens-to-trucks",
        "Mountain border crossing reopens to trucks after landslide repairs",
        ("John Roe",),
        "Freight traffic resumed at the Kessel Pass on Wednesday morning, ahead of schedule.",
        (
            "The Kessel Pass crossing reopened to heavy goods vehicles after eleven weeks of repairs to a landslide-damaged viaduct.",
            "Hauliers had been forced into a 340-kilometre detour through the valley towns, adding a full day to most deliveries.",
            "\u201cThe first truck through was carrying apples, which felt about right for the season,\u201d said border official Ines Varga.",
        ),
    ),
    (
        "world",
        "2026-11-05 11:20",
        "capital-bans-cars-from-old-town",
        "Capital bans private cars from its old town on weekends",
        ("Tom Lindqvist", "Priya Raman", "Ana Souza"),
        "The trial begins on the first Saturday of December and will last six months.",
        (
            "Private cars will be barred from the cobbled streets of the old town every Saturday and Sunday from next month.",
            "Delivery vans will be allowed in before ten in the morning, and residents will receive 24 exemption permits a year.",
            "\u201cThe streets were built for carts, not for sport utility vehicles,\u201d said deputy mayor Karin Holm.",
        ),
    ),
    (
        "world",
        "2026-10-28 08:15",
        "election-commission-recount",
        "Election commission orders recount in two northern districts",
        ("Maria Okafor", "John Roe"),
        "The recount was ordered after tally sheets from 37 polling stations were found to disagree.",
        (
            "The national election commission ordered a full recount in the districts of Marsk and Olden on Tuesday.",
            "Observers found that tally sheets from 37 polling stations recorded more ballots than registered voters.",
            "\u201cA recount is not a scandal, it is the system doing its job,\u201d said commission chair Dr. Sofia Neri.",
        ),
    ),
    (
        "business",
        "2026-11-23 10:00",
        "bakery-chain-expands-north",
        "Family bakery chain expands north with 40 new shops",
        ("Priya Raman",),
        "Hollis & Daughters will open its first shops outside the south-west next spring.",
        (
            "Hollis & Daughters, the bakery chain founded in a single shop in 1962, plans to open 40 stores in the north over two years.",
            "The expansion will create about 900 jobs, most of them in early-morning baking shifts that start at four.",
            "\u201cWe waited until we could make the bread the same way up there as we do here,\u201d said chief executive Ruth Hollis.",
        ),
    ),
    (
        "business",
        "2026-11-18 06:30",
        "long-road-back-for-small-factories",
        "The long road back for the country\u2019s small factories",
        ("Jane Doe", "John Roe"),
        "Energy prices have eased, but many workshops are still running at half their old output.",
        (
            "At a metal-stamping workshop outside Tarrow, half the presses are still covered with tarpaulins.",
            "The workshop\u2019s gas bill peaked at 38,000 euros in a single month, more than its entire payroll.",
            "\u201cWe survived, but surviving is not the same as recovering,\u201d said owner Dieter Falk.",
        ),
    ),
    (
        "business",
        "2026-11-14 13:45",
        "port-operator-merger-approved",
        "Regulators approve merger of the two largest port operators",
        ("Tom Lindqvist",),
        "The combined group will handle about 60 per cent of the country\u2019s container traffic.",
        (
            "Competition regulators cleared the merger of Nordhaven Ports and Castell Terminals on Friday, with conditions.",
            "The companies must sell the Brennick container terminal within eighteen months to win final approval.",
            "\u201cThese remedies keep real competition on the quayside,\u201d said the regulator\u2019s head, Lena Marsh.",
        ),
    ),
    (
        "business",
        "2026-11-09 09:00",
        "coffee-prices-hit-record",
        "Coffee prices hit a record as harvests fall short",
        ("Maria Okafor",),
        "Wholesale arabica has doubled in price in eighteen months.",
        (
            "The price of arabica coffee futures reached a record on Monday after poor harvests in two major growing regions.",
            "Roasters say the cost of a kilogram of green beans now exceeds what a cafe once charged for ten cups.",
            "\u201cWe have absorbed it as long as we could,\u201d said roaster Malik Brennan, who will raise prices in January.",
        ),
    ),
    (
        "business",
        "2026-10-30 15:20",
        "pension-fund-sells-coal-stakes",
        "Teachers\u2019 pension fund sells its last coal stakes",
        ("Priya Raman", "Ana Souza"),
        "The fund manages savings for 410,000 current and former teachers.",
        (
            "The national teachers\u2019 pension fund has sold its remaining holdings in coal mining companies.",
            "The final sale, worth about 230 million euros, was completed quietly over the summer and disclosed in the annual report.",
            "\u201cThis was a financial decision as much as an ethical one,\u201d said chief investment officer Hana Kowalczyk.",
        ),
    ),
    (
        "technology",
        "2026-11-24 11:05",
        "payment-app-outage-inquiry",
        "Regulators open inquiry into payment app outage",
        ("John Roe",),
        "Millions of customers could not pay in shops for most of Saturday afternoon.",
        (
            "The financial conduct authority has opened an inquiry into Saturday\u2019s outage at the payment app Tillo.",
            "For almost five hours, card payments made through the app were declined at tills across the country.",
            "\u201cWe want to understand why a single change could take down the whole service,\u201d said a spokesman for the authority.",
        ),
    ),
    (
        "technology",
        "2026-11-19 14:30",
        "schools-trial-phone-lockers",
        "Schools trial lockable pouches for pupils\u2019 phones",
        ("Ana Souza",),
        "Thirty secondary schools will take part in the year-long trial.",
        (
            "Pupils at thirty secondary schools will lock their phones in magnetic pouches at the start of each day from January.",
            "Early results from a pilot at Greyfield Academy showed detentions for phone use falling from 120 a term to 9.",
            "\u201cThe first week was loud, the second week was quiet, and by the third they had stopped noticing,\u201d said head teacher Owen Pryce.",
        ),
    ),
    (
        "technology",
        "2026-11-11 08:50",
        "open-source-maps-milestone",
        "Volunteer mapping project passes ten billion edits",
        ("Tom Lindqvist", "Jane Doe"),
        "The milestone arrives as more companies build products on the free map.",
        (
            "A volunteer-run mapping project passed ten billion edits this week, almost twenty years after its first.",
            "One contributor in Lagos has traced more than 310,000 buildings, working mostly in the evenings after his shifts.",
            "\u201cEvery footpath on that map was walked or traced by somebody who cared,\u201d said foundation director Mei Tanaka.",
        ),
    ),
    (
        "technology",
        "2026-11-04 17:15",
        "electric-bus-software-recall",
        "Electric bus maker recalls 1,200 vehicles over software fault",
        ("Maria Okafor",),
        "The fault can cause the regenerative brakes to disengage on steep hills.",
        (
            "The bus maker Voltara is recalling 1,200 electric buses after a software fault affected braking on steep descents.",
            "Transport authorities in four cities have moved the affected buses off hilly routes until the update is installed.",
            "\u201cNo one was hurt, and we intend to keep it that way,\u201d said Voltara\u2019s head of engineering, Sam Iredale.",
        ),
    ),
    (
        "technology",
        "2026-10-22 10:40",
        "library-lends-laptops",
        "City library starts lending laptops alongside books",
        ("Ana Souza", "Priya Raman"),
        "The scheme is aimed at job seekers and students without a computer at home.",
        (
            "The central library in Dunmore has begun lending laptops for up to three weeks at a time.",
            "All 150 laptops were borrowed within two days, and the waiting list has grown to more than 400 names.",
            "\u201cPeople need a computer to apply for almost any job now,\u201d said librarian Grace Achebe.",
        ),
    ),
    (
        "science",
        "2026-11-22 09:10",
        "seabirds-return-to-rat-free-island",
        "Seabirds return to an island cleared of rats",
        ("Jane Doe",),
        "Puffins are nesting on Skarra for the first time in half a century.",
        (
            "Puffins have returned to nest on the island of Skarra, three years after a campaign to remove its rats.",
            "Wardens counted 86 occupied burrows this summer on slopes where none had been recorded since 1974.",
            "\u201cWe hoped for a handful, not eighty-six,\u201d said warden Fiona MacLeod, who has worked on the island for twelve years.",
        ),
    ),
    (
        "science",
        "2026-11-16 15:00",
        "ancient-bread-found-in-oven",
        "Archaeologists find 4,000-year-old bread in a buried oven",
        ("John Roe", "Maria Okafor"),
        "The loaf was preserved by ash from a fire that destroyed the settlement.",
        (
            "Archaeologists excavating a Bronze Age settlement have found a carbonised loaf of bread inside a clay oven.",
            "Chemical analysis showed the dough was made from emmer wheat and flavoured with crushed coriander seeds.",
            "\u201cSomeone put this in the oven and never came back for it,\u201d said excavation leader Dr. Rhys Llewellyn.",
        ),
    ),
    (
        "science",
        "2026-11-08 12:00",
        "glacier-melt-measured-by-drones",
        "Drones measure a glacier\u2019s melt in unprecedented detail",
        ("Tom Lindqvist",),
        "The survey mapped the glacier\u2019s surface to within two centimetres.",
        (
            "A fleet of small drones has mapped the Hallstein glacier in more detail than any previous survey.",
            "The maps show the glacier tongue lost 11 metres of thickness between the spring and autumn flights.",
            "\u201cWe used to get one number a year, now we get a movie,\u201d said glaciologist Dr. Anja Berger.",
        ),
    ),
    (
        "science",
        "2026-11-02 10:25",
        "urban-foxes-learn-bin-lids",
        "Urban foxes are learning to open bin lids, study finds",
        ("Priya Raman",),
        "Camera traps recorded the behaviour spreading from one district to its neighbours.",
        (
            "Foxes in the city of Ardmore have learned to flip open the lids of household food bins, according to a new study.",
            "Camera traps caught the first successful attempt in March 2024, in a single street in the Eastgate district.",
            "\u201cIt spread like a rumour, street by street,\u201d said behavioural ecologist Dr. Nadia Rahman.",
        ),
    ),
    (
        "science",
        "2026-10-25 18:00",
        "meteor-shower-peak",
        "Clear skies expected for the peak of the autumn meteor shower",
        ("Ana Souza",),
        "Observers away from city lights could see up to 20 meteors an hour.",
        (
            "Forecasters expect clear skies across most of the country for the peak of the autumn meteor shower this weekend.",
            "The best viewing will be between two and four in the morning, after the waning moon has set behind the hills.",
            "\u201cYou need no telescope, just patience and a warm coat,\u201d said astronomer Dr. Leo Hartmann.",
        ),
    ),
    (
        "world",
        "2026-10-20 07:00",
        "ferry-service-restored",
        "Ferry service to the outer islands restored after storm damage",
        ("Jane Doe", "John Roe"),
        "The service had been suspended for three weeks after the pier at Kilbrae was damaged.",
        (
            "Ferries to the outer islands resumed on Tuesday after repairs to the storm-damaged pier at Kilbrae.",
            "During the suspension, a helicopter carried medicines and 2,400 letters a week to the islands\u2019 900 residents.",
            "\u201cThe boat is how we get everything, including our news,\u201d said islander Morag Sinclair.",
        ),
    ),
    (
        "business",
        "2026-10-26 11:30",
        "vineyard-sells-to-cooperative",
        "Oldest vineyard in the valley sells to its workers\u2019 cooperative",
        ("Maria Okafor",),
        "The sale keeps the estate in local hands after the founding family retired.",
        (
            "The Castelmar vineyard, the oldest in the Arno valley, has been sold to a cooperative formed by its own workers.",
            "The 46 members pooled savings and a bank loan to raise the 3.1 million euro purchase price.",
            "\u201cWe have picked these grapes for twenty years, now we own them,\u201d said cooperative president Luca Bellini.",
        ),
    ),
    (
        "technology",
        "2026-11-07 09:40",
        "phone-repair-law",
        "New law gives owners the right to repair their phones",
        ("Tom Lindqvist", "Ana Souza"),
        "Manufacturers must sell spare parts for seven years after a model is discontinued.",
        (
            "Phone makers will have to sell batteries and screens to independent repairers under a law passed on Thursday.",
            "The law requires manufacturers to publish repair manuals and to keep spare parts in stock for seven years.",
            "\u201cA cracked screen should not mean a new phone,\u201d said the bill\u2019s sponsor, Senator Clara Voss.",
        ),
    ),
    (
        "science",
        "2026-11-20 13:15",
        "coral-nursery-survives-heatwave",
        "Coral nursery survives the summer heatwave",
        ("Jane Doe", "Maria Okafor"),
        "Most of the transplanted corals came through the hottest summer on record.",
        (
            "Almost eight in ten corals raised in an underwater nursery survived this summer\u2019s marine heatwave.",
            "Divers tagged 1,350 coral fragments in May and found 1,041 of them alive when they returned in October.",
            "\u201cThat survival rate would have been unthinkable five years ago,\u201d said reef biologist Dr. Tomas Reyes.",
        ),
    ),
    (
        "world",
        "2026-11-15 10:50",
        "village-buys-its-pub",
        "Village buys its last pub to stop it closing",
        ("John Roe",),
        "More than 300 residents bought shares in the Plough Inn.",
        (
            "Residents of Little Haddon have bought the village\u2019s last pub after a year-long campaign.",
            "Some 312 villagers bought shares worth between fifty and five thousand pounds to raise the asking price.",
            "\u201cIt is where we hold the quiz, the wakes and the parish meetings,\u201d said campaign organiser Beth Carrow.",
        ),
    ),
)

# Stories with behaviour beyond a plain page. Keys are slugs.
DUPLICATE_URL_SLUG = "harbour-city-flood-barrier"
TRACKING_QUERY = "?utm_source=homepage&utm_medium=web&utm_campaign=top-stories"
MULTIPAGE_SLUG = "long-road-back-for-small-factories"
CHANGING_SLUG = "payment-app-outage-inquiry"
FLAKY_500_SLUG = "coral-nursery-survives-heatwave"  # 500 once, then the page
RATE_LIMITED_SLUG = "village-buys-its-pub"  # 429 with Retry-After: 1 once, then the page
JSON_LD_EVERY = 2  # every second story (by index) carries a JSON-LD NewsArticle

PAGE2_BLOCKS: tuple[str, ...] = (
    "## Orders are coming back, slowly",
    "By the autumn, Falk had rehired four of the eleven machinists he let go during the worst of the winter.",
    "The order book at the Tarrow workshop now stretches to February, the longest it has been since 2021. Falk says he will not uncover the last presses until it reaches June.",
    "Banks have become more willing to lend against equipment, though at rates that would have seemed punitive five years ago. The Tarrow workshop refinanced its main press at just under seven per cent.",
    "\u201cAsk me again in a year,\u201d Falk said, switching off the lights over the silent half of the floor.",
)
PAGE2_SENTENCE = "The order book at the Tarrow workshop now stretches to February, the longest it has been since 2021."
UPDATE_BLOCK = (
    "Update, November 24, 4:10 PM EST: Tillo said on Monday afternoon that it would refund every "
    "customer charged twice during the outage, about 83,000 people, by the end of the week."
)
UPDATE_SENTENCE = "Tillo said on Monday afternoon that it would refund every customer charged twice during the outage"

IMAGES: dict[str, tuple[str, str]] = {
    "harbour-city-flood-barrier": (
        "/media/2026/11/flood-barrier.jpg",
        "The unfinished section of the barrier at Porto Vell, seen from the harbour mouth.",
    ),
    "seabirds-return-to-rat-free-island": (
        "/media/2026/11/skarra-puffins.jpg",
        "A puffin at the entrance to a burrow on Skarra in July.",
    ),
    "long-road-back-for-small-factories": (
        "/media/2026/11/tarrow-presses.jpg",
        "Covered presses at the Tarrow workshop.",
    ),
}


def _when(text: str) -> datetime:
    naive = datetime.strptime(text, "%Y-%m-%d %H:%M")
    return naive.replace(tzinfo=EDT if naive < datetime(2026, 11, 1, 2, 0) else EST)


def ledger_stories() -> tuple[Story, ...]:
    """Every article of The Ledger, newest first."""
    stories: list[Story] = []
    for section, when, slug, title, authors, lead, specific in _SPECS:
        published = _when(when)
        path = f"/{section}/{published:%Y/%m/%d}/{slug}.html"
        blocks = compose_blocks(slug, specific, BANK[section], SUBHEADS[section])
        if slug == "harbour-city-flood-barrier":
            blocks = (
                *blocks[:3],
                "- Length of the finished barrier: 6.4 km | Homes protected: about 48,000 | Expected completion: 2029",
                *blocks[3:],
            )
        if slug == "seabirds-return-to-rat-free-island":
            blocks = (
                *blocks[:2],
                "> The island has gone from silence to a racket in three summers, and the racket is the sound of success.",
                *blocks[2:],
            )
        image = IMAGES.get(slug)
        modified = published + timedelta(hours=2) if len(stories) % 3 == 0 else None
        stories.append(
            Story(
                key=slug,
                site=SITE,
                section=section,
                path=path,
                title=title,
                published=published,
                modified=modified,
                authors=authors,
                lead=lead,
                blocks=blocks,
                sentence=specific[1],
                page2_blocks=PAGE2_BLOCKS if slug == MULTIPAGE_SLUG else (),
                page2_sentence=PAGE2_SENTENCE if slug == MULTIPAGE_SLUG else None,
                update_block=UPDATE_BLOCK if slug == CHANGING_SLUG else None,
                updated_modified=(
                    datetime(2026, 11, 24, 16, 10, tzinfo=EST) if slug == CHANGING_SLUG else None
                ),
                image=image[0] if image else None,
                image_caption=image[1] if image else None,
                tags=(SECTIONS[section], *authors[:1]),
            )
        )
    return tuple(sorted(stories, key=lambda s: s.published, reverse=True))


COMMENTS: tuple[tuple[str, str, str], ...] = (
    (
        "harriet_w",
        "2 hours ago",
        "I have lived here for forty years and I have never seen the council move this quickly on anything. I will believe it when the work is actually finished, but I admit this is a good start.",
    ),
    (
        "Dev Patel",
        "3 hours ago",
        "The article leaves out the cost overruns on the previous phase, which were enormous. Someone should be asking who is going to pay for it this time and whether the estimates are any more realistic.",
    ),
    (
        "northern_reader",
        "5 hours ago",
        "My brother works in this industry and says the real story is the shortage of trained people, not the money. You can fund whatever you like but without staff nothing changes on the ground.",
    ),
    (
        "Clara B.",
        "yesterday",
        "Thank you for a balanced piece. Too much of the coverage elsewhere has been shouting from one side or the other, and it is refreshing to read something that simply explains what happened.",
    ),
    (
        "oldtimer1958",
        "yesterday",
        "We tried exactly this in the eighties and it failed for the same reasons. History does not repeat itself but it certainly rhymes, and I fear we are about to learn that lesson again.",
    ),
    (
        "Marguerite",
        "2 days ago",
        "Does anyone know whether the consultation is still open? I tried to find the form on the official website and could only find a page that said it would be available soon.",
    ),
    (
        "J. Okonkwo",
        "2 days ago",
        "Interesting that the spokesperson declined to comment. In my experience that usually means the figures are worse than the ones that were published, not better.",
    ),
    (
        "river_and_rail",
        "3 days ago",
        "I commute through there every day and the difference over the past month has been remarkable. Whatever else people say about it, the practical effect has been positive for most of us.",
    ),
)

CHROME_STRINGS: tuple[str, ...] = (
    "Skip to content",
    "We use cookies to improve your experience on The Ledger",
    "Accept all cookies",
    "Manage preferences",
    "You are here",
    "Share this article",
    "Advertisement",
    "Sign up for The Ledger Morning Briefing",
    "Our best journalism, in your inbox before breakfast",
    "Related stories",
    "Most read",
    "Join the conversation",
    "Post comment",
    "Load more comments",
    "Reply",
    "About The Ledger",
    "Work for us",
    "Contact the newsroom",
    "Terms of Service",
    "Privacy Policy",
    "Cookie settings",
    "Accessibility statement",
    "Syndication and licensing",
    "\u00a9 2026 The Ledger Media Group. All rights reserved.",
    *(comment for _, _, comment in COMMENTS),
)
