"""The held-out prospects set: seven drafts in niches neither other set touches, 89 sites (14 known only from a backlink export).

Written and labelled by hand before any change to the ranking made to improve these figures, and
committed alone before the first run on it: it is for checking changes chosen on the two other sets
(dataset.py, dataset_new.py), never for choosing them. Same format as dataset_new.py (its ``site``
and ``export_site``), and labelled by the rule in dataset_new.py's docstring, unchanged:
a site is a true linker when it publishes on the draft's subject, in the draft's sense, for the
draft's readers, and is an editorial outlet (blog, newsletter, club, society, charity, forum,
school, public body); shops, product, booking, service and lead-generation pages, job boards and
data services are negatives even on the subject; spam, link sellers, guest-post marketplaces,
directories, article farms, scrapers, coupon pages and sponsored-only linkers always are; a link to
a competitor's page on a different subject does not make a site a positive.

The same kinds of hard negatives as the new set, in other words than its: magazines of paid posts
that cover every niche and link to the competitors' guides, a scraper whose page titles copy the
competitor pages it links to, homonyms (Apache Hive, the Kayak flight search, statistical and
software regressions, knitr, a horoscope, a chocolate bar, job openings), adjacent audiences that
link to a competitor (a wildflower blog, a dinghy sailing club, a family travel magazine, a poultry
industry magazine, a Go club, a drone forum, a sewing blog), high-authority neighbours, shops,
bookings and services, and sites known only from a backlink export on both sides.

Competitors (never sites here): first-year-beekeeping: beekeepingbasics.example, hivecraft.example;
sea-kayaking-beginners: paddleguide.example, kayakskills.example; toddler-sleep-regression:
sleepybaby.example, parentingscience.example; backyard-chickens: henkeeper.example,
poultrypal.example; chess-openings-beginners: chessstudy.example, openingtheory.example;
milky-way-astrophotography: nightskyphoto.example, astrocamera.example; knitting-first-sweater:
knitpattern.example, yarncraft.example.

Every site of all three sets is a candidate for these drafts, so the sites of the other two sets
were judged against them too (HELDOUT_EXTRA_LABELS: one qualifies). The held-out sites are not
candidates for the other sets' drafts (their figures stay comparable with the ones reported before).
Comments mark each site: ``+`` a true linker, ``-`` a negative and which kind.
"""

from __future__ import annotations

from typing import Any

from dataset_new import domain_of, export_site, site

DRAFTS = [
    "first-year-beekeeping", "sea-kayaking-beginners", "toddler-sleep-regression", "backyard-chickens",
    "chess-openings-beginners", "milky-way-astrophotography", "knitting-first-sweater",
]

# Sites of dataset.py and dataset_new.py that would link to a held-out draft, by the same rule.
HELDOUT_EXTRA_LABELS: dict[str, list[str]] = {
    # reviews of cameras for night photography: an editorial site for photographers on the subject
    "photogearreview.net": ["milky-way-astrophotography"],
}

BB, HC = "https://beekeepingbasics.example", "https://hivecraft.example"
PG, KS = "https://paddleguide.example", "https://kayakskills.example"
SL, PS = "https://sleepybaby.example", "https://parentingscience.example"
HK, PP = "https://henkeeper.example", "https://poultrypal.example"
CS, OT = "https://chessstudy.example", "https://openingtheory.example"
NS, AC = "https://nightskyphoto.example", "https://astrocamera.example"
KP, YC = "https://knitpattern.example", "https://yarncraft.example"

SITES: list[dict[str, Any]] = [
    # ================================================================ first-year beekeeping
    # + county beekeepers' association, resources for beginners
    site("wessexbeekeepers.org.uk", "Wessex Beekeepers' Association", "Training, mentoring and apiary meetings for beekeepers in Wessex.", 44, [
        ("new-beekeepers", "resource", "New beekeepers: courses, mentors and reading", "Our winter course, the mentor scheme, apiary visits and the guides we recommend before your first colony arrives."),
    ], [(f"{BB}/first-year-beekeeping", "your first year")], ["first-year-beekeeping"]),
    # + urban community project with rooftop hives, no known links
    site("rooftophoney.org", "Rooftop Honey Project", "A community project keeping bees on city rooftops.", 36, [
        ("diary/second-summer", "article", "Our second summer on the roof", "Two colonies became four after we split them in May. We learned to spot queen cells early and to check the hives every week in swarm season."),
    ], [], ["first-year-beekeeping"]),
    # + smallholding blog (bees and hens): + for chickens too
    site("fiveacresmallholding.blog", "Five Acre Smallholding", "Goats, hens, two beehives and a lot of fencing.", 33, [
        ("posts/swarm-in-june", "article", "Two hives and a swarm in June", "The stronger colony swarmed into the hedge while we were at work. We hived the cluster in a spare box and did an artificial swarm on the other hive the next day."),
        ("posts/new-hens", "article", "Six new hens and a fox-proof run", "We buried the mesh a foot down, added a roof and now lock the pop hole at dusk. The ex-battery girls were laying within a fortnight."),
    ], [(f"{HC}/swarm-control", "swarm control"), (f"{HK}/fox-proof-run", "fox-proof run")],
        ["first-year-beekeeping", "backyard-chickens"]),
    # + state apiary programme (public body), links to the competitor's home page
    site("stateapiaryprogram.gov.example", "State Apiary Program", "Bee health inspections and apiary registration.", 63, [
        ("beginners", "resource", "Information for new beekeepers", "Registering your apiary, recognising foulbrood and varroa, and where to find training and beginner guides."),
    ], [(f"{BB}/", "Beekeeping Basics")], ["first-year-beekeeping"]),
    # + natural beekeeping blog, little of the draft's vocabulary
    site("thelazybeekeeper.blog", "The Lazy Beekeeper", "Keeping honeybees with as little interference as possible.", 30, [
        ("posts/leaving-them-honey", "article", "Why I leave them most of the honey", "Colonies that overwinter on their own stores come out stronger in March. I take a little in August and heft the boxes through the cold months."),
    ], [], ["first-year-beekeeping"]),
    # + export only: beekeeping forum
    export_site("ukbeekeepingforum.net", 32, [
        ("beginners", "Beginners start here - UK Beekeeping Forum", f"{BB}/first-year-beekeeping", "first year guide", ""),
    ], ["first-year-beekeeping"]),
    # - homonym: Apache Hive
    site("hivequeries.dev", "Hive Queries", "Apache Hive and big data warehousing tutorials.", 47, [
        ("guides/first-year", "article", "Your first year with Apache Hive", "Tables, partitions and bucketing for beginners; inspect query plans, control small files and keep the metastore healthy through the winter release."),
    ], ["https://hadoopdocs.example/hive"], []),
    # - adjacent: wildflower meadows and wild bees, links to the competitor's planting page
    site("wildflowermeadowblog.com", "The Meadow Maker", "Turning lawns into wildflower meadows.", 42, [
        ("posts/plants-for-pollinators", "article", "Plants for bees and other pollinators", "Bumblebees, solitary bees and hoverflies need flowers from March to October. Sow yellow rattle first, then knapweed, scabious and bird's-foot trefoil."),
    ], [(f"{HC}/bee-friendly-plants", "bee-friendly plants")], []),
    # - shop
    site("beekeepingsupplies.shop", "Beekeeping Supplies", "Hives, frames and protective clothing.", 35, [
        ("starter-kits", "article", "Beginner beekeeping starter kits", "National hive, frames, smoker, hive tool and a full bee suit in one box. Add to basket, free delivery over 60."),
    ], [], []),
    # - service: swarm and nest removal
    site("beeandwaspremoval.co.uk", "Bee and Wasp Removal", "Nest removal across the Midlands.", 26, [
        ("swarms", "article", "Honeybee swarm in your garden?", "We collect swarms and remove wasp nests, same day. Call now for a fixed price."),
    ], [], []),
    # - adjacent: honey recipes
    site("thehoneykitchen.com", "The Honey Kitchen", "Baking and cooking with honey.", 40, [
        ("recipes/honey-cake", "article", "Spiced honey cake", "A dark, sticky cake made with a strong heather honey, ginger and cinnamon."),
    ], [], []),
    # - export only: coupon page, sponsored
    export_site("hobbycoupons.deals", 11, [
        ("hivecraft", "HiveCraft discount codes and offers", f"{HC}/", "HiveCraft", "sponsored"),
    ]),

    # ================================================================ sea kayaking for beginners
    # + sea kayaking club
    site("coastalpaddlers.org.uk", "Coastal Paddlers", "A sea kayaking club on the Dorset coast.", 38, [
        ("new-members", "resource", "New members: what to expect", "Pool sessions for rescues, sheltered trips for beginners, kit to borrow and the reading we suggest before your first sea trip."),
    ], [(f"{KS}/assisted-rescue", "assisted rescue")], ["sea-kayaking-beginners"]),
    # + trip-report blog
    site("roundtheislandpaddle.blog", "Round the Island", "Sea kayak trips around Britain's islands.", 35, [
        ("trips/anglesey", "article", "Round Anglesey in five days", "We planned every headland around the tidal streams and still had to wait out a force five at Cemaes. Landing spots every few miles saved us twice."),
    ], [(f"{PG}/tidal-planning", "tidal planning")], ["sea-kayaking-beginners"]),
    # + outdoor learning charity, no known links
    site("outdoorlearningtrust.org", "Outdoor Learning Trust", "Adventurous activities for young people.", 52, [
        ("leaders/paddlesports", "resource", "Paddlesport safety notes for group leaders", "Buoyancy aids, ratios, cold water, weather limits and rescue skills for canoe and kayak sessions on open water."),
    ], [], ["sea-kayaking-beginners"]),
    # + public body for sea safety, links to the competitor's home page
    site("seasafetyagency.gov.example", "Sea Safety Agency", "Staying safe at the coast.", 70, [
        ("kayaks-and-paddleboards", "resource", "Kayaks and paddleboards", "Check the tide and the wind, carry a way to call for help, wear a buoyancy aid and tell someone your plans."),
    ], [(f"{PG}/", "Paddle Guide")], ["sea-kayaking-beginners"]),
    # + paddler who started late
    site("paddlingatfifty.com", "Paddling at Fifty", "Taking up the sea at fifty-two.", 27, [
        ("posts/first-capsize", "article", "My first capsize, on purpose", "The coach tipped me over in a warm harbour in July. Pulling the deck off and coming up next to the boat was the most useful ten seconds of the course."),
    ], [], ["sea-kayaking-beginners"]),
    # + export only: paddling newsletter
    export_site("thepaddlepost.news", 34, [
        ("issues/64", "The Paddle Post #64: rescue practice, tidal streams, winter kit", f"{PG}/tidal-planning", "tidal streams", ""),
    ], ["sea-kayaking-beginners"]),
    # - homonym: Kayak the flight search
    site("cheapflightfinder.travel", "Cheap Flight Finder", "Finding cheap flights and hotel deals.", 51, [
        ("kayak-vs-skyscanner", "article", "Kayak vs Skyscanner for beginners", "Which flight search finds cheaper fares? We compared Kayak and Skyscanner on 50 routes, price alerts and flexible dates."),
    ], ["https://kayak.example/flights"], []),
    # - adjacent: dinghy racing, links to the competitor's tide page
    site("dinghyracingassociation.org", "Dinghy Racing Association", "Racing results and handicaps for dinghy sailors.", 45, [
        ("regatta/tides", "article", "Tides and wind for the summer regatta", "Race officers set courses around the tidal stream off the point; sailors should expect strong ebb at the leeward mark."),
    ], [(f"{PG}/tidal-planning", "tides")], []),
    # - high-authority neighbour: surfing news, links to a competitor page on surf
    site("surfnewsdaily.com", "Surf News Daily", "Surfing news, contests and big wave reports.", 69, [
        ("news/big-wave-season", "article", "Big wave season opens at Nazare", "Swell forecasts, tow-in teams and water safety crews ready for the first XXL day of winter."),
    ], [(f"{KS}/surf-kayaking", "surf forecasts")], []),
    # - shop
    site("kayakoutlet.shop", "Kayak Outlet", "Kayaks, paddles and buoyancy aids.", 32, [
        ("touring-kayaks", "article", "Touring and sea kayaks", "Sit-in sea kayaks with bulkheads and deck lines, paddles and spray decks. Free delivery, buy now pay later."),
    ], [], []),
    # - booking: guided tours
    site("bayseakayaktours.com", "Bay Sea Kayak Tours", "Guided kayak tours in Pembrokeshire.", 29, [
        ("tours", "article", "Sea kayak tours for beginners", "Half-day and full-day guided sea kayak trips, all kit provided. Book online, from 65 per person."),
    ], [], []),
    # - export only: scraper copying the competitor's articles
    export_site("paddlenewsmirror.xyz", 6, [
        ("2026/tidal-planning", "Tidal planning for sea kayakers - Paddle Guide | PaddleNewsMirror", f"{PG}/tidal-planning", "read more", ""),
        ("2026/assisted-rescue", "The assisted rescue step by step - Kayak Skills | PaddleNewsMirror", f"{KS}/assisted-rescue", "read more", ""),
    ]),

    # ================================================================ toddler sleep regression
    # + NHS trust health visitors (public body)
    site("littleoneshealth.nhs.example", "Little Ones Health", "Advice from health visitors for families with young children.", 60, [
        ("sleep/toddlers", "resource", "Sleep and your toddler", "Bedtime routines, night waking, naps and when to ask for help: our health visitors' advice and the guides they trust."),
    ], [(f"{PS}/toddler-sleep-research", "toddler sleep research")], ["toddler-sleep-regression"]),
    # + dad blog
    site("tireddaddiaries.blog", "Tired Dad Diaries", "One dad, two kids, very little sleep.", 31, [
        ("posts/month-eighteen", "article", "Month eighteen: the regression nobody warned me about", "She had slept twelve hours a night since ten months. Then molars, a new word every day and a flat refusal to lie down."),
    ], [(f"{SL}/18-month-sleep-regression", "18 month regression")], ["toddler-sleep-regression"]),
    # + Montessori at home, little of the draft's vocabulary
    site("montessoriathome.blog", "Montessori at Home", "Montessori ideas for babies and toddlers at home.", 37, [
        ("posts/floor-bed", "article", "A floor bed and a calm evening rhythm", "Same order every night: bath, lamp, two books, a song. Our son started choosing to climb into his floor bed when the rhythm never changed."),
    ], [], ["toddler-sleep-regression"]),
    # + twins club (charity), no known links
    site("twinsandmultiples.org", "Twins and Multiples", "Support for families with twins, triplets and more.", 48, [
        ("toddler-years", "resource", "Surviving the toddler years", "Sleep, routines, feeding two at once and local support groups for parents of toddler twins."),
    ], [], ["toddler-sleep-regression"]),
    # + export only: childminders' association
    export_site("childmindingassociation.org.uk", 45, [
        ("parents/resources", "Resources for parents - Childminding Association", f"{SL}/18-month-sleep-regression", "sleep regression", ""),
    ], ["toddler-sleep-regression"]),
    # + export only: parenting newsletter
    export_site("thesmallhours.news", 29, [
        ("issues/33", "The Small Hours #33: sleep regressions, first shoes, nursery settling", f"{PS}/toddler-sleep-research", "what the research says", ""),
    ], ["toddler-sleep-regression"]),
    # - homonym: statistical regression (with sleep data)
    site("regressionexplained.dev", "Regression Explained", "Statistics and machine learning for analysts.", 49, [
        ("posts/sleep-data", "article", "Linear regression on sleep data", "Fit hours of sleep against age, check the residuals and see why regression to the mean fools people who only look at the worst nights."),
    ], ["https://statsdocs.example/ols"], []),
    # - homonym: software regressions and nightly builds
    site("releaseengineering.blog", "Release Engineering", "Builds, tests and shipping software safely.", 44, [
        ("posts/nightly-regressions", "article", "Catching regressions in nightly builds", "A performance regression slipped into the sleep() handling of our scheduler; bisecting the nightly builds found it in an hour."),
    ], [], []),
    # - service: adult sleep clinic
    site("insomniaclinic.co.uk", "Insomnia Clinic", "CBT for insomnia in adults.", 33, [
        ("treatment", "article", "Insomnia treatment", "Six sessions of CBT-I with a sleep psychologist, online or in person. Book an assessment."),
    ], [], []),
    # - shop
    site("babysleepstore.shop", "Baby Sleep Store", "Sleeping bags, blinds and night lights.", 30, [
        ("toddler-sleep", "article", "Toddler sleep essentials", "Toddler sleeping bags, blackout blinds, white noise machines and night lights. Add to basket."),
    ], [], []),
    # - adjacent: baby names
    site("babynamesdaily.com", "Baby Names Daily", "Baby name ideas and meanings.", 46, [
        ("popular-2026", "article", "The most popular baby names of 2026", "Olivia and Noah hold on, but vintage names are climbing fast."),
    ], [], []),
    # - high-authority neighbour: family travel, links to the competitor's jet lag page
    site("familytravelmag.com", "Family Travel Magazine", "Holidays with children.", 66, [
        ("tips/flying-with-a-toddler", "article", "Flying with a toddler: 10 tips", "Book the early flight, pack snacks and a new toy, and expect a few unsettled nights while everyone adjusts to the time difference."),
    ], [(f"{SL}/jet-lag-toddlers", "jet lag")], []),

    # ================================================================ backyard chickens
    # (fiveacresmallholding.blog above is + for this draft too)
    # + hen rehoming charity
    site("henrehoming.org.uk", "Hen Rehoming Trust", "Rehoming ex-commercial laying hens.", 50, [
        ("before-they-arrive", "resource", "Before your hens arrive", "Coop, run, feeders, bedding and the first few days: everything new adopters need, and the guides we send them."),
    ], [(f"{HK}/coop-guide", "coop guide")], ["backyard-chickens"]),
    # + cottage garden blog, no known links
    site("cottagegardenlife.blog", "Cottage Garden Life", "Vegetables, flowers and three hens behind a terraced house.", 32, [
        ("posts/the-girls", "article", "The girls: a year of garden hens", "They dig the beds after harvest, eat the slugs and give us five eggs a day in spring. Red mite in August was the only real trouble."),
    ], [], ["backyard-chickens"]),
    # + breed society, links to the competitor's home page
    site("poultryclubgb.org", "Poultry Club", "The breed society for poultry keepers.", 55, [
        ("new-keepers", "resource", "Advice for new keepers", "Choosing a breed, housing, feeding, showing and where to learn more."),
    ], [(f"{PP}/", "PoultryPal")], ["backyard-chickens"]),
    # + school farms network
    site("schoolfarmsnetwork.org", "School Farms Network", "Supporting farms and animals in schools.", 46, [
        ("animals/chickens", "article", "Keeping chickens at school", "A term-by-term guide: the rota, holidays, cleaning out and teaching with the flock."),
    ], [(f"{HK}/daily-care", "daily care")], ["backyard-chickens"]),
    # + export only: backyard poultry forum
    export_site("backyardpoultryforum.net", 31, [
        ("start-here", "New keepers start here - Backyard Poultry Forum", f"{HK}/coop-guide", "coop guide", ""),
    ], ["backyard-chickens"]),
    # - homonym: chicken recipes
    site("weeknightchicken.com", "Weeknight Chicken", "Quick chicken dinners.", 48, [
        ("recipes/sheet-pan", "article", "Sheet-pan chicken thighs", "Crispy skin, lemon and garlic potatoes, one tray, forty minutes."),
    ], [], []),
    # - homonym: game of chicken
    site("gametheorynotes.com", "Game Theory Notes", "Game theory explained with everyday examples.", 43, [
        ("posts/game-of-chicken", "article", "The game of chicken", "Two drivers race towards each other; whoever swerves first loses. Why commitment wins, and how the flock of hawks and doves settles."),
    ], [], []),
    # - adjacent audience: commercial poultry industry, links to the competitor's health page
    site("poultryindustrytoday.com", "Poultry Industry Today", "News for commercial egg and broiler producers.", 57, [
        ("features/biosecurity", "article", "Biosecurity on 40,000-bird units", "Avian influenza housing orders, feed conversion ratios and ventilation for commercial laying sheds."),
    ], [(f"{PP}/poultry-health", "poultry health")], []),
    # - adjacent: pet parrots
    site("parrottalkforum.com", "Parrot Talk", "A forum for parrot owners.", 39, [
        ("threads/cage-size", "article", "What size cage for an African grey?", "Members compare cages, perches and toys for greys and Amazons."),
    ], [], []),
    # - shop
    site("coopsandruns.shop", "Coops and Runs", "Chicken coops and runs.", 31, [
        ("coops", "article", "Chicken coops for 3 to 6 hens", "Fox-proof coops and walk-in runs, delivered flat-packed. Shop now."),
    ], [], []),
    # - service: hen sitting
    site("holidayhensitters.co.uk", "Holiday Hen Sitters", "Hen sitting while you are away.", 22, [
        ("book", "article", "Book a hen sitter", "Daily visits to feed, water and lock in your hens while you are on holiday. Book online."),
    ], [], []),
    # - export only: farm link directory
    export_site("farmlinksdirectory.info", 9, [
        ("poultry", "Farm Links Directory - poultry - add your link", f"{PP}/", "PoultryPal", ""),
    ]),

    # ================================================================ chess openings for beginners
    # + chess club juniors page
    site("hastingschessclub.org.uk", "Hastings Chess Club", "A chess club for all ages and strengths.", 41, [
        ("improving", "resource", "Improving: resources for juniors and new members", "Tactics puzzles, endgame basics, opening principles and the books and sites our coaches recommend."),
    ], [(f"{OT}/opening-principles", "opening principles")], ["chess-openings-beginners"]),
    # + improver's blog
    site("roadto1500.blog", "Road to 1500", "An adult improver's chess diary.", 29, [
        ("posts/stopped-memorising", "article", "Why I stopped memorising the Najdorf", "Ten moves of theory, then lost on move fourteen to a knight fork. Now I play the Italian and spend the time on tactics."),
    ], [(f"{CS}/openings-for-beginners", "openings for beginners")], ["chess-openings-beginners"]),
    # + schools' chess league, no known links
    site("schoolschessleague.org", "Schools' Chess League", "Chess competitions and coaching for schools.", 47, [
        ("teachers", "resource", "Coaching notes for teachers", "Lesson plans on the centre, development, castling and simple checkmates for school chess clubs."),
    ], [], ["chess-openings-beginners"]),
    # + adult novice, little of the draft's vocabulary
    site("chessatforty.com", "Chess at Forty", "Learning chess properly as an adult.", 26, [
        ("posts/first-ten-moves", "article", "What to do with the first ten moves", "Get the pieces out, take the middle, tuck the king away, and stop moving the queen on move two."),
    ], [], ["chess-openings-beginners"]),
    # + export only: chess newsletter
    export_site("checkmateweekly.news", 36, [
        ("issues/19", "Checkmate Weekly #19: opening traps, endgame studies, club news", f"{CS}/openings-for-beginners", "openings for beginners", ""),
    ], ["chess-openings-beginners"]),
    # - homonym: job openings (job board)
    site("entryleveljobs.io", "Entry Level Jobs", "Job openings for beginners and graduates.", 44, [
        ("openings", "article", "Job openings for beginners", "Hundreds of entry-level openings in sales, support and operations. Create a profile and apply today."),
    ], [], []),
    # - homonym: TV drama
    site("queensgambitfans.net", "Queen's Gambit Fans", "A fan site for the TV series.", 42, [
        ("episodes", "article", "Episode guide: Openings", "The first episode follows Beth from the orphanage basement to her first tournament."),
    ], [], []),
    # - homonym: negotiation
    site("negotiationskills.blog", "Negotiation Skills", "Better deals at work.", 40, [
        ("posts/opening-moves", "article", "Opening moves in a salary negotiation", "Anchor high, develop your arguments before the offer, and never reveal your position too early."),
    ], [], []),
    # - adjacent audience: Go club, links to a competitor page on Go
    site("goclublondon.org", "London Go Club", "Playing Go (baduk, weiqi) in London.", 38, [
        ("beginners", "resource", "Go openings for beginners", "Corners first, then sides, then the centre: the opening principles of Go, and the books and sites we recommend."),
    ], [(f"{OT}/go-fuseki", "fuseki")], []),
    # - shop
    site("chessboardshop.com", "Chessboard Shop", "Tournament chess sets and clocks.", 33, [
        ("sets", "article", "Tournament chess sets", "Weighted Staunton pieces, roll-up boards and digital clocks. Add to cart."),
    ], [], []),
    # - high-authority neighbour: games news, links to the competitor's home page
    site("strategygamesworld.com", "Strategy Games World", "News and reviews of strategy games.", 68, [
        ("lists/best-strategy-games", "article", "The 20 best strategy games of all time", "From Civilization to StarCraft, with a nod to the oldest strategy game of them all."),
    ], [(f"{CS}/", "Chess Study")], []),
    # - export only: coupon page, sponsored
    export_site("subscriptiondeals.top", 10, [
        ("chess-study", "Chess Study premium coupon: 30% off", f"{CS}/", "Chess Study", "sponsored"),
    ]),

    # ================================================================ Milky Way astrophotography
    # (photogearreview.net from dataset_new.py is + for this draft)
    # + astronomical society
    site("northfieldastro.org", "Northfield Astronomical Society", "Observing evenings, talks and outreach.", 43, [
        ("astrophotography", "resource", "Getting started in astrophotography", "Cameras, tripods, trackers and the guides our imaging group recommends for your first night sky photos."),
    ], [(f"{NS}/milky-way-guide", "Milky Way guide")], ["milky-way-astrophotography"]),
    # + dark sky park (public body), links to the competitor's home page
    site("darkskypark.gov.example", "Galloway Dark Sky Park", "Visiting one of Europe's darkest skies.", 58, [
        ("visiting-at-night", "resource", "Visiting at night", "The best spots for stargazing and night photography, when the Moon is down, and how to keep your eyes dark-adapted."),
    ], [(f"{NS}/", "NightSkyPhoto")], ["milky-way-astrophotography"]),
    # + landscape photographer's blog
    site("highlandlight.blog", "Highland Light", "Landscape photography in the Scottish Highlands.", 39, [
        ("posts/glen-coe-core", "article", "A night at Glen Coe under the core", "Twenty seconds at f/2.8, ISO 5000, focus taped at infinity, and a second frame for the mountain at blue hour."),
    ], [(f"{AC}/focusing-at-night", "focusing at night")], ["milky-way-astrophotography"]),
    # + camera club, no known links
    site("riversidecameraclub.org", "Riverside Camera Club", "A friendly photography club.", 34, [
        ("programme", "resource", "Talks and workshops", "This season: night sky and star trails, portraits with one light, macro, and a print competition."),
    ], [], ["milky-way-astrophotography"]),
    # + export only: stargazing newsletter
    export_site("stargazersmonthly.news", 33, [
        ("issues/52", "Stargazers Monthly #52: galactic core season, meteor showers", f"{NS}/milky-way-guide", "photographing the Milky Way", ""),
    ], ["milky-way-astrophotography"]),
    # - homonym: astrology
    site("starsignsweekly.com", "Star Signs Weekly", "Horoscopes and astrology.", 50, [
        ("milky-way-horoscope", "article", "Your stars this week", "The Moon in Scorpio lights up the Milky Way of your emotions; Leo, a dark night brings clarity."),
    ], [], []),
    # - homonym: the chocolate bar
    site("retrosweetsblog.com", "Retro Sweets", "Nostalgic sweets and chocolate bars.", 37, [
        ("posts/milky-way-vs-mars", "article", "Milky Way vs Mars bar", "The lighter bar that would not sink in milk, and why the American Milky Way is our Mars."),
    ], [], []),
    # - adjacent audience: astrophysics institute press releases
    site("galacticresearch.ac.example", "Institute for Galactic Research", "Research on the structure of galaxies.", 72, [
        ("news/dark-matter-halo", "article", "New map of the Milky Way's dark matter halo", "Stellar streams measured by the Gaia satellite constrain the mass and shape of our galaxy's halo."),
    ], ["https://preprints.example/astro-ph"], []),
    # - adjacent audience: drone pilots, links to a competitor page on drones
    site("dronepilotsforum.com", "Drone Pilots Forum", "For hobby and commercial drone pilots.", 41, [
        ("threads/night-flying", "article", "Flying at night: rules and lights", "Anti-collision lights, the operator ID and what the rules say about flights after dark."),
    ], [(f"{AC}/drone-night-photography", "night drone photos")], []),
    # - shop
    site("telescopewarehouse.shop", "Telescope Warehouse", "Telescopes and astro cameras.", 36, [
        ("astro-cameras", "article", "Astro cameras and star trackers", "Cooled astro cameras, star trackers and wide-field lenses. Free shipping, buy now."),
    ], [], []),
    # - service: wedding photographer
    site("starlitweddings.photo", "Starlit Weddings", "Wedding photography under the stars.", 25, [
        ("packages", "article", "Wedding packages", "Full-day coverage with a night portrait under the stars. Check our availability and book your date."),
    ], [], []),

    # ================================================================ knitting your first sweater
    # + knitting guild branch
    site("knittersguildleeds.org.uk", "Knitters' Guild, Leeds branch", "Monthly meetings, workshops and a library for knitters.", 37, [
        ("resources", "resource", "Resources for members", "Our library, workshop handouts and favourite online tutorials on gauge, sizing and garment construction."),
    ], [(f"{KP}/top-down-raglan", "top-down raglan")], ["knitting-first-sweater"]),
    # + handmade wardrobe blog (sewing and knitting)
    site("handmadewardrobe.blog", "Handmade Wardrobe", "Making my own clothes, one garment at a time.", 35, [
        ("posts/first-handknit-jumper", "article", "My first hand-knitted jumper", "Three months, one unravelled sleeve and a lesson in swatching: the body grew two sizes in the wash."),
    ], [(f"{YC}/gauge-swatch", "swatch")], ["knitting-first-sweater"]),
    # + knitting podcast show notes
    site("woolbasketpodcast.com", "The Wool Basket Podcast", "A podcast about knitting and wool.", 33, [
        ("episodes/41", "article", "Episode 41: ease, yokes and first garments", "Show notes: why finished measurements matter more than size labels, and our favourite first-sweater patterns."),
    ], [(f"{KP}/choosing-a-size", "choosing a size")], ["knitting-first-sweater"]),
    # + fibre arts collective, no known links
    site("fibreartscollective.org", "Fibre Arts Collective", "Spinning, dyeing, weaving and knitting.", 40, [
        ("learn", "resource", "Learn with us", "Beginner classes in knitting, spinning and weaving, and the garment-making guides members recommend."),
    ], [], ["knitting-first-sweater"]),
    # + export only: knit night newsletter
    export_site("knitnightnews.news", 28, [
        ("issues/12", "Knit Night News #12: first sweaters, blocking, yarn swaps", f"{KP}/top-down-raglan", "top-down raglan", ""),
    ], ["knitting-first-sweater"]),
    # - homonym: bones knitting
    site("fracturecarenotes.com", "Fracture Care Notes", "Recovering from broken bones.", 45, [
        ("posts/how-bones-knit", "article", "How broken bones knit back together", "Callus forms in the first weeks and remodels over months; why a cast must fit well."),
    ], [], []),
    # - homonym: knitr
    site("rmarkdownguide.dev", "R Markdown Guide", "Reproducible reports with R.", 48, [
        ("knitr-first-report", "article", "Knit your first report with knitr", "Write R Markdown, choose a pattern for chunk options, and knit to HTML or PDF."),
    ], [], []),
    # - adjacent: dressmaking, links to a competitor page on sewing
    site("sewingbeginners.blog", "Sewing for Beginners", "Dressmaking from your first pattern.", 41, [
        ("posts/first-dress", "article", "Sewing your first dress: size and ease", "Pick your size from the finished measurements, make a toile, and adjust the bust and waist before you cut the good fabric."),
    ], [(f"{YC}/sewing-patterns", "sewing patterns")], []),
    # - high-authority neighbour: fashion news
    site("fashionweekdaily.com", "Fashion Week Daily", "Runway news and trends.", 70, [
        ("trends/knitwear", "article", "Knitwear on the autumn runways", "Chunky cable knits and cropped cardigans dominated the shows this season."),
    ], [(f"{YC}/", "YarnCraft")], []),
    # - shop
    site("yarnemporium.shop", "Yarn Emporium", "Yarn, needles and kits.", 34, [
        ("sweater-kits", "article", "Sweater kits", "Everything to knit your first sweater: pattern, yarn and needles in one kit. Shop now."),
    ], [], []),
    # - export only: coupon page, sponsored
    export_site("craftdealsdaily.top", 9, [
        ("yarncraft", "YarnCraft discount codes", f"{YC}/", "YarnCraft", "sponsored"),
    ]),

    # ================================================================ across niches
    # - magazine of paid posts (partner content, no spam words), links to competitors' guides
    site("dailyhomeandfamily.com", "Daily Home and Family", "Home, garden, family and hobbies: fresh articles every day.", 24, [
        ("family/toddler-sleep-tips", "article", "How to get your toddler to sleep: 6 expert tips", "Bedtime battles? Our partner shares six tips for toddler sleep regressions and calmer nights. This article was produced in collaboration with our partner."),
        ("garden/backyard-hens", "article", "5 things to know before getting backyard chickens", "Thinking about hens? Coops, feed and foxes: five quick things to know, in collaboration with our partner."),
        ("garden/beekeeping-tips", "article", "Beekeeping for beginners: 6 easy tips", "Want your own honey? Start with one hive and these easy tips from our partner."),
    ], [f"{SL}/18-month-sleep-regression", f"{HK}/coop-guide", f"{BB}/first-year-beekeeping"], []),
    # - magazine of paid posts, sells featured articles
    site("weekendhobbiesmag.com", "Weekend Hobbies Magazine", "Hobbies for your weekends: crafts, games, outdoors and photography.", 27, [
        ("crafts/first-sweater", "article", "Knit your first sweater this winter: 7 tips", "Choosing yarn, needles and a pattern for your first sweater. Brought to you by our friends at a leading yarn brand."),
        ("games/chess-openings", "article", "5 chess openings every beginner should know", "The Italian, the London System and more, brought to you by our sponsor."),
        ("outdoors/sea-kayaking", "article", "Sea kayaking: 8 tips for your first trip", "Paddles, tides and buoyancy aids explained. Brought to you by our sponsor."),
        ("advertise", "article", "Advertise with us", "Featured articles with a link from 150 each. Media kit on request."),
    ], [f"{YC}/gauge-swatch", f"{CS}/openings-for-beginners", f"{PG}/tidal-planning", f"{NS}/milky-way-guide"], []),
    # - scraper: each page copies a competitor article's title and first lines
    site("hobbyfeedmirror.net", "Hobby Feed Mirror", "The latest hobby articles from around the web.", 9, [
        ("k/top-down-raglan", "article", "Knit a top-down raglan sweater - KnitPattern", "Knit a top-down raglan sweater: a top-down raglan lets you try the sweater on as you go. Read the full article at KnitPattern."),
        ("a/milky-way-guide", "article", "How to photograph the Milky Way - NightSkyPhoto", "How to photograph the Milky Way: a wide lens, a tripod and a dark sky. Read the full article at NightSkyPhoto."),
        ("c/openings-for-beginners", "article", "Chess openings for beginners - Chess Study", "Chess openings for beginners: learn the principles first. Read the full article at Chess Study."),
    ], [f"{KP}/top-down-raglan", f"{NS}/milky-way-guide", f"{CS}/openings-for-beginners"], []),
    # - guest-post marketplace without spam words
    site("guestpostnetwork.co", "Guest Post Network", "Publish on 800 blogs in every niche.", 16, [
        ("write-for-us", "guest_post", "Write for us: all niches", "Parenting, pets, gardening, crafts, games, outdoors and photography. Articles live within 48 hours; see our price list."),
    ], [f"{HK}/coop-guide", f"{KS}/assisted-rescue", f"{SL}/18-month-sleep-regression", f"{KP}/choosing-a-size"],
        [], outbound=380),
    # - blog-network page, keyword-stuffed description
    site("outdoorhobbyideas24.com", "Outdoor Hobby Ideas 24", "hobby ideas beekeeping chickens kayaking astrophotography knitting chess", 10, [
        ("ideas", "article", "Outdoor hobby ideas", "Beekeeping ideas, backyard chicken ideas, sea kayaking ideas, Milky Way photo ideas and cosy knitting ideas for your weekends."),
    ], [f"{BB}/first-year-beekeeping", f"{HK}/daily-care", f"{AC}/focusing-at-night"], []),
    # - casino spam stuffed with these topics
    site("megaspinsjackpot.xyz", "Mega Spins Jackpot", "casino jackpot free spins slots", 3, [
        ("partners", "resource", "Partners: beekeeping, chess, knitting, toddler sleep",
         "beekeeping swarm control chess openings knitting sweater toddler sleep regression backyard chickens casino jackpot"),
    ], [f"{BB}/first-year-beekeeping", f"{CS}/openings-for-beginners"], []),
    # - export only: hobby link directory
    export_site("hobbylinksdirectory.info", 8, [
        ("crafts", "Hobby Links Directory - crafts and games - 3,100 links", f"{KP}/", "KnitPattern", ""),
    ]),
]


def labels() -> dict[str, set[str]]:
    """held-out draft stem -> the domains (held-out sites and the other sets' sites) that truly link to it."""
    out: dict[str, set[str]] = {d: set() for d in DRAFTS}
    for s in SITES:
        for draft in s["links_to"]:
            out[draft].add(domain_of(s))
    for domain, drafts in HELDOUT_EXTRA_LABELS.items():
        for draft in drafts:
            out[draft].add(domain)
    return out
