"""The second labelled prospects set: twelve more drafts, 162 more sites, hard negatives.

Written by hand, labels decided site by site while writing, before any ranking was run on it (the
file was committed before run_eval.py first ranked it). Same format as dataset.py, plus sites known
only from a backlink export (``export_site``: a referring page URL and title, a target, an anchor,
Domain rating and flags, imported through the real Ahrefs importer, no catalog text).

Labelling rule (the same for every (draft, site) pair, original sites included):

A site is labelled as linking to a draft when an editor there could plausibly add a link to it in
an editorial context, which takes both of:

1. **Same subject for the same audience.** The site publishes on the draft's subject in the sense
   the draft means (Python the language, not the snake; apple the fruit tree, not the company; a
   trail camera, not a hiking trail) for readers the draft serves. A neighbouring subject is not
   enough: a rose society for apple pruning, a hunting forum for garden camera traps, a TypeScript
   blog for Python type hints, a motorcycle forum for cycling knee pain are negatives.
2. **An editorial outlet.** It is a blog, newsletter, club, society, charity, forum, school or
   public body: editorial sites link out (resource pages, roundups, articles citing sources) even
   when we know none of their links. Shops, product and booking pages, service and lead-generation
   businesses, job boards and data services are negatives even on the subject (they rarely give
   editorial links).

Always negative, whatever the text: spam, link sellers and guest-post marketplaces, link
directories, article farms and scrapers (automated copies of other sites' articles), coupon pages,
and sites whose only known links are sponsored. A backlink row decides an export-only site: an
editorial page on the subject linking to a page on the subject is a positive; a sponsored, coupon,
directory or scraper row is a negative. A link to a competitor's page on a different subject (a
rose society linking to the same gardening site's rose page) does not make a site a positive.

Competitors (the pages true linkers often link to, never listed as sites themselves):
python-type-hints: realpython.example, typingtips.dev; apple-tree-pruning: orchardadvice.example,
fruittreeguide.example; day-hike-packing-list: hikeplanner.example, outdoorgearlab.example;
trail-camera-wildlife: wildlifewatch.example, camtrapguide.example; cycling-knee-pain:
bikefitting.example, cyclingphysio.example; crate-training-puppy: puppyschool.example,
dogtrainingnotes.example; home-espresso: coffeegeek.example, homebarista.example;
freelance-invoicing: freelancerhub.example, smallbizguide.example; learn-spanish-podcasts:
languagelearninghub.example, hablamos.example; family-tree-census: genealogyguide.example,
familysearchtips.example; heat-pump-sizing: heatpumpguide.example, greenhomes.example;
cast-iron-seasoning: seriouskitchen.example, skilletcare.example.
Comments mark each site: ``+`` a true linker, ``-`` a negative and which kind. A site's ``links_to``
may name an original draft (dataset.py) and EXTRA_LABELS adds new drafts to original sites: every
site is judged against every draft, since every site is a candidate for every draft.
"""

from __future__ import annotations

from typing import Any

DRAFTS = [
    "python-type-hints", "apple-tree-pruning", "day-hike-packing-list", "trail-camera-wildlife",
    "cycling-knee-pain", "crate-training-puppy", "home-espresso", "freelance-invoicing",
    "learn-spanish-podcasts", "family-tree-census", "heat-pump-sizing", "cast-iron-seasoning",
]

Link = str | tuple[str, str]  # target URL, or (target URL, anchor)


def site(domain: str, name: str, description: str, authority: float, pages: list[tuple[str, str, str, str]],
         links: list[Link] = (), links_to: list[str] = (), outbound: int | None = None) -> dict[str, Any]:  # type: ignore[assignment]
    """A catalog site, as dataset.site; links may carry an anchor; ``outbound`` overrides links per page."""
    return {
        "url": f"https://{domain}/", "name": name, "description": description, "authority": authority,
        "pages": [{"url": f"https://{domain}/{path}", "kind": kind, "title": title, "text": text,
                   "outbound_links": outbound or (25 if kind == "resource" else 6)}
                  for path, kind, title, text in pages],
        "links": [{"source": f"https://{domain}/{pages[0][0]}", "target": t} if isinstance(t, str) else
                  {"source": f"https://{domain}/{pages[0][0]}", "target": t[0], "anchor": t[1]} for t in links],
        "links_to": list(links_to),
    }


def export_site(domain: str, authority: float, rows: list[tuple[str, str, str, str, str]],
                links_to: list[str] = ()) -> dict[str, Any]:  # type: ignore[assignment]
    """A site known only from a competitor's backlink export: rows of (path, page title, target, anchor, flag),
    flag "" or one of nofollow, ugc, sponsored."""
    return {
        "url": f"https://{domain}/", "authority": authority,
        "export": [{"source_url": f"https://{domain}/{path}", "source_title": title, "target_url": target,
                    "anchor": anchor, "flag": flag} for path, title, target, anchor, flag in rows],
        "links_to": list(links_to),
    }


# Original sites (dataset.py) that would link to a new draft, by the same rule.
EXTRA_LABELS: dict[str, list[str]] = {
    "mountainsafety.org": ["day-hike-packing-list"],  # safety advice for hillwalkers, footwear resource page
    "hikeandfastpack.com": ["day-hike-packing-list"],  # lightweight hiking guides
}

RP, TT = "https://realpython.example", "https://typingtips.dev"
OA, FT = "https://orchardadvice.example", "https://fruittreeguide.example"
HP, OG = "https://hikeplanner.example", "https://outdoorgearlab.example"
WW, CT = "https://wildlifewatch.example", "https://camtrapguide.example"
BF, CP = "https://bikefitting.example", "https://cyclingphysio.example"
PS, DT = "https://puppyschool.example", "https://dogtrainingnotes.example"
CG, HB = "https://coffeegeek.example", "https://homebarista.example"
FH, SB = "https://freelancerhub.example", "https://smallbizguide.example"
LH, HA = "https://languagelearninghub.example", "https://hablamos.example"
GG, FS = "https://genealogyguide.example", "https://familysearchtips.example"
HG, GH = "https://heatpumpguide.example", "https://greenhomes.example"
SK, SC = "https://seriouskitchen.example", "https://skilletcare.example"

SITES: list[dict[str, Any]] = [
    # ================================================================ Python type hints
    # + newsletter roundup, links to the competitor guide
    site("pythondigest.news", "Python Digest", "A weekly digest of the best Python articles, talks and releases.", 57, [
        ("issues/212", "resource", "Python Digest #212", "This week: gradual typing in a large Django codebase, a faster dependency resolver, structural pattern matching in practice and the packaging survey results."),
    ], [(f"{RP}/python-type-checking", "Python type checking guide")], ["python-type-hints"]),
    # + Django blog on annotating models
    site("djangodiaries.dev", "Django Diaries", "Notes from building and maintaining Django applications.", 44, [
        ("posts/annotating-models", "article", "Adding annotations to our Django models", "We turned on the mypy plugin for Django and annotated our models and views one app at a time. It found three real bugs in code paths with no tests."),
    ], [(f"{TT}/gradual-typing-guide", "gradual typing")], ["python-type-hints"]),
    # + university course, no known links, little of the draft's vocabulary
    site("cs101notes.org", "CS101 Notes", "Course notes and reading for an introductory programming course.", 61, [
        ("week-9/further-reading", "resource", "Week 9: further reading", "Functions, docstrings, annotations and static checkers: the chapters and articles we recommend before the lab on writing reusable functions."),
    ], [], ["python-type-hints"]),
    # + testing blog
    site("testingpython.blog", "Testing Python", "Pytest, property-based testing and code quality.", 42, [
        ("posts/static-before-tests", "article", "Catch bugs before your tests run", "Static analysis with pyright caught a class of None errors our test suite kept missing. Here is how we combine a checker, pytest and hypothesis in CI."),
    ], [(f"{RP}/python-type-checking", "type checking")], ["python-type-hints"]),
    # + export only: community resources page
    export_site("pyladies-lisbon.org", 31, [
        ("recursos", "Learning resources - PyLadies Lisbon", f"{RP}/python-type-checking", "type checking guide", ""),
    ], ["python-type-hints"]),
    # + export only: backend newsletter
    export_site("backendbrief.news", 38, [
        ("issues/41", "Backend Brief #41: typed Python, Postgres 17, job queues", f"{TT}/gradual-typing-guide", "gradual typing", ""),
    ], ["python-type-hints"]),
    # - homonym: snake keepers ("python types", "hints")
    site("ballpythoncare.com", "Ball Python Care", "Care sheets for ball pythons and other pet snakes.", 46, [
        ("care/python-types", "article", "Python types and hints for first-time keepers", "Ball, royal, carpet and reticulated pythons differ in size and temperament. Hints for beginners: heat gradient, humidity, feeding frozen mice and checking the enclosure before each meal."),
        ("resources", "resource", "Reptile keeping resources", "Vets, care sheets and forums we trust for snakes and lizards."),
    ], ["https://reptilevets.example/find-a-vet"], []),
    # - homonym: comedy fans
    site("montypythonfans.net", "Ministry of Silly Links", "A fan site for Monty Python's Flying Circus.", 40, [
        ("sketches", "resource", "Every Python sketch", "Dead parrots, silly walks, the Spanish Inquisition and the Lumberjack Song, with links to scripts and clips."),
    ], ["https://comedyarchive.example/flying-circus"], []),
    # - homonym and service business
    site("snakeremovalpros.com", "Snake Removal Pros", "Python and snake removal in South Florida.", 24, [
        ("burmese-python-removal", "article", "Burmese python removal", "Invasive Burmese pythons in your yard or garage? Licensed removal, same-day service. Call now or book online for a free quote."),
    ], [], []),
    # - adjacent: another language's type system
    site("typescriptdeepdive.dev", "TypeScript Deep Dive", "Types, generics and strict mode in TypeScript.", 55, [
        ("guides/gradual-adoption", "article", "Adopting strict types gradually", "Turn on strict mode one folder at a time, annotate function parameters and return types, and use declaration files for untyped libraries. The compiler reports mistakes before the tests run."),
        ("links", "resource", "TypeScript links", "The handbook, type challenges and talks on the type checker."),
    ], ["https://tshandbook.example/everyday-types"], []),
    # - job board
    site("pythonjobsboard.io", "Python Jobs Board", "Python developer jobs: Django, data, backend.", 43, [
        ("jobs/senior-backend", "article", "Senior backend engineer (Python, typed codebase)", "We use type hints, mypy in CI and FastAPI. Salary 90-110k, remote in Europe. Apply now."),
    ], [], []),
    # - homonym: rainforest tours
    site("amazonexpeditions.travel", "Amazon Expeditions", "Guided rainforest trips in Peru and Brazil.", 35, [
        ("wildlife", "article", "Wildlife on our river trips", "Anacondas, boa constrictors, caimans and pink river dolphins: what you may see from the canoe and how our guides keep you safe."),
    ], [], []),
    # - export only: coupon page, sponsored
    export_site("coursecoupons.deals", 14, [
        ("real-python-coupon", "Real Python coupon code: 40% off membership", f"{RP}/", "Real Python", "sponsored"),
    ]),
    # - export only: scraper republishing the competitor's feed
    export_site("pyfeedmirror.xyz", 7, [
        ("2026/python-type-checking", "Python Type Checking (Guide) - Real Python | PyFeedMirror", f"{RP}/python-type-checking", "read more", ""),
        ("2026/gradual-typing", "Gradual typing guide - TypingTips | PyFeedMirror", f"{TT}/gradual-typing-guide", "read more", ""),
    ]),

    # ================================================================ apple tree pruning
    # + community orchards network, resources page
    site("communityorchards.org.uk", "Community Orchards Network", "Supporting volunteers who plant and care for community orchards.", 52, [
        ("resources", "resource", "Guides for orchard volunteers", "Planting, formative pruning, renovating veteran trees, grafting and dealing with pests and canker: the guides we give every new group."),
    ], [(f"{OA}/winter-pruning-apple-trees", "winter pruning")], ["apple-tree-pruning"]),
    # + allotment blog, renovating an old Bramley
    site("allotmentlife.blog", "Allotment Life", "Three plots, two sheds and a lot of mud.", 36, [
        ("posts/the-old-bramley", "article", "Taming the old Bramley on plot 14", "Three winters of cutting out crossing branches and thinning crowded spurs. The rule I learned: never take more than a quarter of the canopy in one go, or it sulks and throws up watershoots."),
    ], [(f"{FT}/renovating-old-apple-trees", "renovating old trees")], ["apple-tree-pruning"]),
    # + heritage varieties society
    site("heritagefruit.org", "Heritage Fruit Society", "Saving old apple, pear and plum varieties.", 48, [
        ("links", "resource", "Caring for old varieties", "Grafting, rootstocks, spur and tip bearers, and how to look after a veteran tree without losing the variety."),
    ], [], ["apple-tree-pruning"]),
    # + permaculture, little of the draft's vocabulary
    site("permaculturepatch.com", "Permaculture Patch", "A small food forest in a suburban garden.", 33, [
        ("posts/fruit-guilds", "article", "Guilds around our fruit trees", "Comfrey, chives and clover under the apples and pears. Summer cuts keep them small; the structural work happens when the leaves are down."),
    ], [], ["apple-tree-pruning"]),
    # + horticultural extension factsheets
    site("homehortextension.org", "Home Horticulture Extension", "Research-based factsheets for home gardeners.", 64, [
        ("factsheets/fruit-trees", "resource", "Factsheet: training and pruning fruit trees", "Central leader and open-centre systems, dormant and summer pruning, and thinning fruit for home orchards."),
    ], [(f"{OA}/winter-pruning-apple-trees", "dormant pruning")], ["apple-tree-pruning"]),
    # + export only: village garden club links page
    export_site("ashbygardenclub.org.uk", 22, [
        ("talks-and-links", "Talks and useful links - Ashby Village Garden Club", f"{OA}/winter-pruning-apple-trees", "winter pruning guide", ""),
    ], ["apple-tree-pruning"]),
    # - homonym: Apple computers
    site("macrepairhub.com", "Mac Repair Hub", "Mac and iPhone repair tips.", 52, [
        ("tips/prune-storage", "article", "Prune old iPhone backups and trim your Mac's storage this winter", "Apple keeps every backup tree forever. Cut the branches you no longer need: old device backups, duplicate photos, cached updates."),
    ], [], []),
    # - homonym: Apple news
    site("cupertinowatch.com", "Cupertino Watch", "Apple news, rumours and iPhone reviews.", 71, [
        ("news/apple-prunes-lineup", "article", "Apple prunes its product line", "Apple cut three older iPhones from sale this winter and trimmed the Mac range to focus on its own chips."),
    ], ["https://applenewsroom.example/press"], []),
    # - adjacent: apples as food
    site("grandmasbakes.com", "Grandma's Bakes", "Family recipes for pies, crumbles and cakes.", 41, [
        ("recipes/apple-pie", "article", "Winter apple pie", "Bramleys collapse into a soft filling, Granny Smiths hold their shape. Use both, with plenty of cinnamon and a crisp lattice."),
    ], [], []),
    # - service business
    site("treesurgerypros.co.uk", "Tree Surgery Pros", "Tree surgeons in Kent and Sussex.", 27, [
        ("services/pruning", "article", "Tree pruning and crown reduction", "Professional pruning, crown lifting, crown reduction and felling. Fully insured, free quotes, call today."),
    ], [], []),
    # - homonym: the Big Apple
    site("bigappletours.nyc", "Big Apple Tours", "Walking tours of New York City.", 45, [
        ("winter-tours", "article", "Big Apple walking tours in winter", "Central Park's bare trees, Rockefeller Center's tree and the best hot chocolate stops on our winter routes. Book online."),
    ], [], []),
    # - adjacent: pruning roses, links to the competitor's rose page
    site("roseclub.org", "The Rose Club", "A society for rose growers.", 47, [
        ("advice/pruning", "article", "Pruning roses in late winter", "Cut to an outward-facing bud, remove dead and crossing stems, and open the centre of bush roses to the light and air."),
    ], [(f"{OA}/pruning-roses", "pruning roses")], []),
    # - shop: nursery selling trees
    site("bareroottrees.shop", "Bare Root Trees", "Fruit trees by mail order.", 30, [
        ("apple-trees", "article", "Bare-root apple trees", "Apple trees on M26 and MM106 rootstocks, two-year maidens. Delivered November to March. Add to basket."),
    ], [], []),
    # - export only: link directory
    export_site("gardenlinksdirectory.info", 12, [
        ("fruit/apples", "Garden Links Directory - submit your site - 2,400 gardening links", f"{OA}/", "Orchard Advice", ""),
    ]),

    # ================================================================ day hike packing list
    # + beginners' hill walking blog
    site("weekendhillwalker.blog", "Weekend Hillwalker", "First hills: routes and kit for beginners.", 39, [
        ("kit-list", "resource", "Kit list for a summer day on the fells", "What goes in my 25 litre pack: map, compass, waterproofs, spare layer, headtorch, food and a bit more water than seems sensible."),
    ], [(f"{HP}/day-hike-checklist", "day hike checklist")], ["day-hike-packing-list"]),
    # + national park visitor guide
    site("nationalparkvisitor.org", "National Park Visitor", "Visitor guides to national parks.", 66, [
        ("plan-your-visit", "resource", "Plan your visit", "Weather, water, maps and what to carry on the ridge trails; when rangers advise turning back."),
    ], [], ["day-hike-packing-list"]),
    # + scout leaders
    site("scoutleadernotes.org", "Scout Leader Notes", "Activities and safety notes for scout and guide leaders.", 45, [
        ("expeditions/kit-checks", "article", "Expedition kit checks for young people", "Before every walk we check each rucksack: waterproofs, warm layer, water, lunch, whistle, torch and a first aid kit per group."),
    ], [(f"{OG}/ten-essentials", "ten essentials")], ["day-hike-packing-list"]),
    # + family hiking
    site("hikewithkids.blog", "Hike With Kids", "Family walks and hikes with children under ten.", 34, [
        ("posts/what-we-carry", "article", "Snacks, spare socks and a whistle", "Hiking with under-tens means carrying for everyone: more snacks than you think, spare socks, plasters, sun cream and a whistle each."),
    ], [], ["day-hike-packing-list"]),
    # + export only: walking group
    export_site("leedswalkinggroup.org.uk", 26, [
        ("new-walkers", "New walkers: what to bring - Leeds Walking Group", f"{HP}/day-hike-checklist", "packing checklist", ""),
    ], ["day-hike-packing-list"]),
    # - homonym: Oregon Trail game (a packing list!)
    site("oregontrailfans.net", "Oregon Trail Fans", "A fan site for the classic Oregon Trail game.", 38, [
        ("guides/what-to-pack", "article", "What to pack for the trail", "Oxen, food, clothing and spare wagon parts: how much of each to buy in Independence before you set off, and what to leave behind when the river crossing goes wrong."),
    ], [], []),
    # - homonym: audit trail software
    site("audittrail.software", "AuditTrail", "Audit trail and compliance logging software.", 40, [
        ("checklist", "article", "Audit trail checklist", "The essentials every audit trail needs: who, what, when, tamper-evident storage and retention. Start a free trial."),
    ], [], []),
    # - adjacent: mountain bike trail centres
    site("mtbtrailcentres.co.uk", "MTB Trail Centres", "Guides to mountain bike trail centres in the UK.", 44, [
        ("guides/what-to-take", "article", "What to take for a day at the trail centre", "Spare tube, pump, multitool, water, snacks and a waterproof. Pack light: you will be carrying it up every climb."),
    ], ["https://mtbroutes.example/red-routes"], []),
    # - shop
    site("hikinggearoutlet.com", "Hiking Gear Outlet", "Discount outdoor gear.", 32, [
        ("daypacks", "article", "Daypacks and hydration", "Daypacks, water bottles, headtorches and first aid kits. Free shipping on orders over $50."),
    ], [], []),
    # - booking site for expeditions
    site("everestexpeditions.com", "Everest Expeditions", "Guided expeditions to the world's highest peaks.", 50, [
        ("book", "article", "Book your expedition", "Permits, oxygen, Sherpa support and base camp logistics. Deposit of $5,000 to reserve your place."),
    ], [], []),
    # - export only: sponsored guest post
    export_site("travelbloggersnetwork.top", 11, [
        ("guest/10-travel-hacks", "10 travel hacks for your next trip (sponsored)", f"{HP}/", "best hiking app", "sponsored"),
    ]),

    # ================================================================ trail camera, garden wildlife
    # + hedgehog charity
    site("hedgehogrescue.org.uk", "Hedgehog Rescue", "Caring for sick and injured hedgehogs, and helping wild ones thrive.", 51, [
        ("help/is-a-hedgehog-visiting", "article", "Is a hedgehog visiting your garden?", "Look for droppings and footprints, set up a footprint tunnel, or leave a camera out overnight. Make a hedgehog highway: a 13 cm gap under your fence."),
    ], [(f"{WW}/trail-camera-tips", "camera tips")], ["trail-camera-wildlife"]),
    # + urban fox blog
    site("urbanfoxwatch.blog", "Urban Fox Watch", "A year of foxes in a London back garden.", 29, [
        ("posts/night-footage", "article", "A year of night footage from our back fence", "The cubs first appeared in May. Infrared clips show the vixen checking the compost heap at 2am every night."),
    ], [], ["trail-camera-wildlife"]),
    # + wildlife trust, camera trap surveys
    site("northdaleswildlife.org", "North Dales Wildlife Trust", "Protecting wildlife in the North Dales.", 58, [
        ("volunteer/mammal-surveys", "resource", "Volunteer mammal surveys", "Join our camera trap surveys of pine marten, otter and badger; training, kit loans and recording guides."),
    ], [(f"{CT}/camera-trap-placement", "camera trap placement")], ["trail-camera-wildlife"]),
    # + garden wildlife watching, resources
    site("gardenbirdsandbeasts.com", "Garden Birds and Beasts", "Watching the wildlife in your own garden.", 40, [
        ("resources", "resource", "Watching garden visitors", "Feeder cameras, nest box cameras, night cameras and the recording schemes you can send sightings to."),
    ], [], ["trail-camera-wildlife"]),
    # + school nature club
    site("naturedetectives.org", "Nature Detectives", "Outdoor learning for primary schools.", 43, [
        ("activities/who-visits-at-night", "article", "Who visits the school field at night?", "Set up a motion-triggered camera by the hedge, check it on Monday and let the class identify the visitors."),
    ], [], ["trail-camera-wildlife"]),
    # + adjacent but the same audience: beginners' birdwatching with a garden-watching page
    site("birdingbeginner.blog", "Birding Beginner", "Birdwatching for complete beginners.", 37, [
        ("garden-watching", "resource", "Watching your garden", "Feeders, a pond, a notebook and a camera by the window: ways to see who visits your garden when you are not looking."),
    ], [], ["trail-camera-wildlife"]),
    # + export only: mammal group workshop
    export_site("bristolmammalgroup.org.uk", 24, [
        ("workshops/camera-trapping", "Camera trapping workshop resources - Bristol Mammal Group", f"{CT}/camera-trap-placement", "placement guide", ""),
    ], ["trail-camera-wildlife"]),
    # - shop: security cameras (night vision, motion, garden)
    site("homesecuritycams.shop", "Home Security Cams", "Outdoor security cameras.", 33, [
        ("outdoor", "article", "Outdoor cameras with night vision", "Motion-activated outdoor cameras with infrared night vision for your garden, driveway and shed. Add to cart, free delivery."),
    ], [], []),
    # - homonym for this draft (a hiking trail); + for the day hike draft (walking routes for walkers)
    site("lakelandtrailguides.com", "Lakeland Trail Guides", "Walking routes in the Lake District.", 42, [
        ("routes/catbells", "article", "Trail guide: Catbells", "A short steep climb to a famous summit. Wildlife you might see on the trail: red squirrels, ravens and Herdwick sheep."),
    ], [], ["day-hike-packing-list"]),
    # - adjacent: camera reviews
    site("photogearreview.net", "Photo Gear Review", "Reviews of cameras and lenses.", 56, [
        ("reviews/low-light", "article", "Best cameras for low light", "Full-frame sensors, fast lenses and high ISO performance for night and wildlife photography."),
    ], ["https://cameramaker.example/new-lens"], []),
    # - adjacent: hunters scouting deer (heavy keyword overlap)
    site("deerhuntersforum.com", "Deer Hunters Forum", "Whitetail hunting forum.", 41, [
        ("threads/trail-cam-placement", "article", "Trail cam placement for scouting bucks", "Put your trail cameras on scrapes and funnels, facing north, at waist height. Check them every two weeks so you don't spook the deer before opening day."),
    ], [(f"{CT}/camera-trap-placement", "placement")], []),
    # - service: pest control
    site("pestcontrolnow.co.uk", "Pest Control Now", "Pest control in Greater Manchester.", 26, [
        ("foxes-and-badgers", "article", "Fox and badger problems", "We deal with foxes, rats and badger damage. Our technicians install motion cameras to find entry points. Call for a quote."),
    ], [], []),
    # - export only: sponsored deal page
    export_site("cameradealsdaily.xyz", 9, [
        ("trail-cameras", "Trail camera deals | best price today", f"{WW}/", "wildlife watch", "sponsored"),
    ]),

    # ================================================================ cycling knee pain
    # + commuter cycling club
    site("commutercyclists.org", "Commuter Cyclists", "A club for people who ride to work.", 47, [
        ("new-riders", "resource", "New riders' guide", "Setting your saddle height, tyre pressure, lights, locks and routes: the basics for your first month of riding to work."),
    ], [], ["cycling-knee-pain"]),
    # + sports physio notes (cyclists and runners: also + for trail-shoes, as runningphysio.blog is)
    site("sportsphysionotes.com", "Sports Physio Notes", "A physiotherapist on sports injuries.", 49, [
        ("posts/patellofemoral-pain", "article", "Patellofemoral pain in cyclists and runners", "Pain around the kneecap is usually about load. Manage volume, strengthen the quads and hips, and check equipment: saddle height for riders, shoes for runners."),
    ], [(f"{CP}/patellofemoral-pain", "patellofemoral pain")], ["cycling-knee-pain", "trail-shoes"]),
    # + gravel blog
    site("gravelgrinders.blog", "Gravel Grinders", "Long rides on rough roads.", 35, [
        ("posts/200km-knee", "article", "Why my knee hurt after 200 km", "The outside of my left knee started aching at kilometre 140. A fitter moved my cleat 3 mm and raised the saddle; it has not come back."),
    ], [(f"{BF}/knee-pain-guide", "knee pain guide")], ["cycling-knee-pain"]),
    # + older cyclists
    site("cyclingover50.com", "Cycling Over 50", "Riding further and staying comfortable after fifty.", 38, [
        ("comfort", "resource", "Staying comfortable on longer rides", "Fit, stretching, saddles and gearing for riders whose joints have opinions."),
    ], [], ["cycling-knee-pain"]),
    # + triathlon coach
    site("triathloncoachnotes.net", "Triathlon Coach Notes", "Training plans and advice for age-group triathletes.", 46, [
        ("bike/fit-checks", "article", "Fit checks before your first 70.3", "Ninety kilometres on the aero bars will find every fit problem. Check saddle height and setback, cleats and reach before race-pace sessions."),
    ], [(f"{BF}/knee-pain-guide", "bike fit")], ["cycling-knee-pain"]),
    # + export only: cycling club resources
    export_site("harrogatevelo.org.uk", 28, [
        ("club-resources", "Club resources: bike fit, nutrition, first sportive - Harrogate Velo", f"{BF}/knee-pain-guide", "knee pain guide", ""),
    ], ["cycling-knee-pain"]),
    # - homonym/adjacent: motorcycles
    site("motorbikeforum.co.uk", "Motorbike Forum", "The UK motorcycle community.", 50, [
        ("threads/aching-knees", "article", "Aching knees on long rides", "My knees are killing me after two hours on the GSX-R. Lower pegs, a gel seat or a different riding position? Bike fit matters on sports bikes too."),
    ], ["https://motopartsreview.example/peg-lowering-kits"], []),
    # - homonym: battery cycling
    site("batterycycling.tech", "Battery Cycling", "Lithium-ion cell testing and cycle life.", 44, [
        ("cycle-life", "article", "Charge cycling and capacity fade", "How depth of discharge, temperature and charge rate affect cycle life; fitting a degradation curve to test data."),
    ], [], []),
    # - service: clinic
    site("kneesurgeryclinic.com", "Knee Surgery Clinic", "Private orthopaedic knee surgery.", 39, [
        ("treatments", "article", "Knee treatments", "Arthroscopy, ACL reconstruction and knee replacement. Book a consultation with our consultants."),
    ], [], []),
    # - booking: spin studio
    site("spinstudiolondon.com", "Spin Studio London", "Indoor cycling classes.", 31, [
        ("classes", "article", "Indoor cycling classes", "45-minute rhythm rides and endurance sessions. Your first class is free; book now."),
    ], [], []),
    # - shop
    site("bikepartsdirect.shop", "Bike Parts Direct", "Cycling components and accessories.", 34, [
        ("saddles", "article", "Saddles, cleats and pedals", "Road and MTB saddles, cleats and pedals from every major brand. Free shipping over 30."),
    ], [], []),
    # - adjacent: yoga
    site("yogaforeveryone.blog", "Yoga for Everyone", "Gentle yoga for every body.", 36, [
        ("posts/happy-knees", "article", "Yoga for happy knees", "Gentle poses to build strength around the knee and a few to avoid if yours are sore."),
    ], [], []),
    # - export only: sponsored health listicle
    export_site("healthtipsdaily.top", 8, [
        ("knee-pain-remedies", "10 knee pain home remedies (sponsored)", f"{CP}/", "physio near you", "sponsored"),
    ]),

    # ================================================================ crate training a puppy
    # + rescue charity
    site("rescuedogsnetwork.org", "Rescue Dogs Network", "Rehoming rescue dogs across the country.", 55, [
        ("adopters/first-two-weeks", "resource", "Bringing your dog home: the first two weeks", "Routines, a quiet space or crate, introductions to other pets, and the guides we send to every adopter."),
    ], [(f"{PS}/crate-training-guide", "crate training")], ["crate-training-puppy"]),
    # + breed club
    site("labradorowners.club", "Labrador Owners Club", "For owners and breeders of Labrador retrievers.", 41, [
        ("puppy-pack", "resource", "Puppy pack for new owners", "Feeding, vaccinations, socialisation, first nights and house training your Labrador puppy."),
    ], [], ["crate-training-puppy"]),
    # + positive-reinforcement trainer
    site("positivepawstraining.blog", "Positive Paws", "Reward-based dog training.", 38, [
        ("posts/night-one", "article", "Night one with a new puppy", "Keep the puppy close, keep night-time toilet trips boring, and never punish crying: it is a baby in a strange place."),
    ], [(f"{DT}/crate-training-schedule", "crate schedule")], ["crate-training-puppy"]),
    # + vet nurse
    site("vetnursenotes.com", "Vet Nurse Notes", "Pet health explained by a veterinary nurse.", 47, [
        ("posts/settling-a-puppy", "article", "Settling a new puppy", "Sleep, toilet training, vaccinations and worming in the first weeks, and when to call the practice."),
    ], [], ["crate-training-puppy"]),
    # + first-time owners
    site("firsttimedogowner.com", "First Time Dog Owner", "Everything we wish we had known.", 35, [
        ("resources", "resource", "New owner resources", "Training, feeding, insurance and the guides that helped us through the puppy months."),
    ], [(f"{PS}/crate-training-guide", "crate training guide")], ["crate-training-puppy"]),
    # + export only: breed forum
    export_site("cockapooforum.co.uk", 27, [
        ("useful-links", "Useful links for new owners - Cockapoo Forum", f"{DT}/crate-training-schedule", "crate schedule", ""),
    ], ["crate-training-puppy"]),
    # - homonym: Rust crates ("crate", "training")
    site("rustcratesweekly.dev", "Rust Crates Weekly", "New and notable Rust crates every week.", 48, [
        ("issues/88", "resource", "Crate of the week: training models in Rust", "Candle and burn for training neural networks, a new async runtime and a crate for parsing config files."),
    ], ["https://cratesregistry.example/candle"], []),
    # - homonym: shipping crates
    site("palletandcrate.co.uk", "Pallet and Crate", "Wooden export crates made to measure.", 29, [
        ("export-crates", "article", "Export crates", "ISPM-15 heat-treated crates built to your dimensions. Quote in 24 hours."),
    ], [], []),
    # - shop
    site("petsupplymega.shop", "Pet Supply Mega", "Everything for dogs and cats.", 37, [
        ("dog-crates", "article", "Dog crates and beds", "Wire crates, travel crates, puppy pads and beds in every size. Add to cart."),
    ], [], []),
    # - adjacent: cats
    site("catbehaviourclinic.com", "Cat Behaviour Clinic", "Understanding and solving cat behaviour problems.", 42, [
        ("posts/carrier-training", "article", "Carrier training your cat", "Leave the carrier out with a blanket inside, feed treats near it and build up to short trips so vet visits stop being a battle."),
    ], [], []),
    # - homonym: record collecting
    site("vinylcratedigger.com", "Crate Digger", "Record collecting and rare grooves.", 33, [
        ("posts/training-your-ear", "article", "Crate digging: training your ear", "How to flip through a crate of records fast and spot the rare pressings."),
    ], [], []),
    # - adjacent: dog show results database
    site("dogshowresults.net", "Dog Show Results", "Results and entries for championship dog shows.", 35, [
        ("results/2026", "article", "Championship show results 2026", "Best in show, group winners and breed results from every championship show this year."),
    ], [], []),
    # - export only: pet link directory
    export_site("petdirectorylinks.info", 10, [
        ("dogs/training", "Pet Directory Links - dog training - add your site", f"{PS}/", "Puppy School", ""),
    ]),

    # ================================================================ home espresso
    # + home espresso blog
    site("specialtycoffeediaries.blog", "Specialty Coffee Diaries", "A home barista's notebook.", 36, [
        ("posts/a-year-of-shots", "article", "A year of home espresso", "Taste, adjust, repeat. What I learned from weighing every shot for a year and changing one thing at a time."),
    ], [(f"{CG}/dialing-in-espresso", "dialing in")], ["home-espresso"]),
    # + home roasters
    site("homeroastersclub.org", "Home Roasters Club", "A club for people who roast coffee at home.", 39, [
        ("resources", "resource", "Resources", "Roasting for espresso, resting times, grinders and brewing guides our members recommend."),
    ], [(f"{HB}/espresso-recipe-basics", "espresso recipes")], ["home-espresso"]),
    # + coffee forum beginner guides
    site("coffeecommunityforum.net", "Coffee Community Forum", "Discussion for coffee lovers.", 45, [
        ("beginner-guides", "resource", "Beginner guides", "Start here: grinders, machines, water and the guides that answer the questions new members ask most."),
    ], [], ["home-espresso"]),
    # + latte art (same audience: home baristas)
    site("latteartlab.com", "Latte Art Lab", "Milk steaming and latte art at home.", 34, [
        ("posts/start-with-the-shot", "article", "Great latte art starts with the shot", "A thin, fast shot will not hold a pattern. Get your espresso right first, then work on silky milk."),
    ], [(f"{CG}/dialing-in-espresso", "dialing in espresso")], ["home-espresso"]),
    # + kitchen chemistry of coffee
    site("coffeechemistry.blog", "Coffee Chemistry", "The science of coffee, tea and chocolate.", 44, [
        ("posts/extraction", "article", "Extraction, solubility and grind size", "Why finer grounds extract faster, what channelling does to a puck, and how total dissolved solids relate to taste."),
    ], [], ["home-espresso"]),
    # + export only: coffee newsletter
    export_site("brewedweekly.news", 33, [
        ("issues/87", "Brewed Weekly #87: grinders, water recipes, dialling in", f"{CG}/dialing-in-espresso", "dialling in", ""),
    ], ["home-espresso"]),
    # - homonym: Android Espresso testing ("shots", "timing")
    site("espressotesting.dev", "Espresso Testing", "UI testing on Android with Espresso.", 47, [
        ("guides/flaky-tests", "article", "Fixing flaky Espresso tests", "Idling resources, timing and synchronisation: why your Espresso test passes on the fifth shot and how to make it pass on the first."),
    ], ["https://androiddocs.example/espresso"], []),
    # - homonym: Java
    site("javadevjournal.com", "Java Dev Journal", "Fresh Java, brewed daily.", 53, [
        ("posts/jvm-tuning", "article", "Tuning the JVM", "Heap sizes, garbage collection pause times and warming up the JIT: dial in your JVM one flag at a time."),
    ], [], []),
    # - shop
    site("coffeemachineoutlet.shop", "Coffee Machine Outlet", "Espresso machines and grinders at outlet prices.", 31, [
        ("espresso-machines", "article", "Home espresso machines", "Dual boiler and heat exchanger machines, grinders and scales. Free shipping, buy now pay later."),
    ], [], []),
    # - adjacent: cafe listings
    site("leedscafefinder.com", "Leeds Cafe Finder", "The best independent cafes in Leeds.", 30, [
        ("best-espresso", "article", "Best espresso in Leeds", "Twelve cafes pulling great shots, with opening hours and where to sit."),
    ], [], []),
    # - homonym: skateboarding grinds ("dial in", "timing", "pressure")
    site("grindskate.tv", "Grind Skate", "Skateboarding tricks and tutorials.", 37, [
        ("tricks/50-50", "article", "Dialling in your 50-50 grind", "Timing, pop and pressure on the back truck: how to lock into a grind and ride it out."),
    ], [], []),
    # - adjacent: tea
    site("teaaddicts.blog", "Tea Addicts", "Loose-leaf tea reviews and brewing.", 32, [
        ("brewing", "article", "Brewing loose-leaf tea", "Water temperature, leaf ratio and steep time for green, oolong and black teas."),
    ], [], []),
    # - export only: coupon page, sponsored
    export_site("coffeecoupons.deals", 12, [
        ("coffeegeek", "CoffeeGeek shop discount codes", f"{CG}/", "CoffeeGeek", "sponsored"),
    ]),

    # ================================================================ freelance invoicing
    # + freelance writers' community
    site("freelancewritersden.com", "Freelance Writers Den", "A community for freelance writers.", 50, [
        ("resources", "resource", "Getting paid: resources for new freelancers", "Rates, contracts, invoices, chasing late payers and the tools our members use."),
    ], [(f"{FH}/how-to-write-an-invoice", "how to write an invoice")], ["freelance-invoicing"]),
    # + designer business blog
    site("designerbusinessnotes.com", "Designer Business Notes", "Running a one-person design studio.", 37, [
        ("posts/fifty-percent-up-front", "article", "Why I ask for 50% up front", "A deposit filters out clients who were never going to pay on time. Here is how I explain it and what goes in my terms."),
    ], [(f"{SB}/late-payment-reminders", "late payment reminders")], ["freelance-invoicing"]),
    # + freelancers' association
    site("independentworkers.org", "Independent Workers Association", "Representing freelancers and the self-employed.", 56, [
        ("rights/late-payment", "resource", "Know your rights: late payment", "Statutory interest, compensation, contracts and what to do when a client will not pay."),
    ], [], ["freelance-invoicing"]),
    # + self-employed tax notes
    site("selfemployedtaxnotes.co.uk", "Self-Employed Tax Notes", "Tax and bookkeeping for sole traders.", 45, [
        ("records", "article", "The records you need to keep", "Sales invoices, receipts for expenses, mileage, and when you have to register for VAT."),
    ], [], ["freelance-invoicing"]),
    # + photography business school
    site("photographybusinessschool.com", "Photography Business School", "The business side of photography.", 40, [
        ("lessons/pricing-and-invoicing", "article", "Pricing and invoicing your shoots", "Quotes, deposits, usage licences and sending the final invoice with the gallery."),
    ], [], ["freelance-invoicing"]),
    # + export only: makers' guild
    export_site("makersguild.org.uk", 30, [
        ("business-basics", "Business basics for makers - The Makers Guild", f"{FH}/how-to-write-an-invoice", "invoice template", ""),
    ], ["freelance-invoicing"]),
    # - service: invoice finance
    site("invoicefactoringfast.com", "Invoice Factoring Fast", "Get paid today for your unpaid invoices.", 34, [
        ("how-it-works", "article", "Get paid today", "Sell your unpaid invoices and receive up to 90% of their value within 24 hours. Apply online in minutes."),
    ], [], []),
    # - product page: invoicing software
    site("invoicelyapp.com", "Invoicely", "Invoicing software for freelancers.", 48, [
        ("features", "article", "Create invoices in seconds", "Templates, automatic reminders, late fees and online payments. Start your free trial."),
    ], [], []),
    # - service: debt collection
    site("debtcollectionagency.co.uk", "Debt Collection Agency", "Commercial debt recovery.", 33, [
        ("services", "article", "Commercial debt recovery", "No win, no fee recovery of unpaid invoices. Letters before action, court claims. Call today."),
    ], [], []),
    # - job board
    site("freelancejobboard.net", "Freelance Job Board", "Freelance jobs posted daily.", 42, [
        ("jobs", "article", "Latest freelance jobs", "Writing, design and development gigs. Create a profile and apply."),
    ], [], []),
    # - homonym: commercial invoices for customs
    site("exportdocsguide.com", "Export Docs Guide", "Shipping documents explained.", 43, [
        ("commercial-invoice", "article", "The commercial invoice for export shipping", "What a commercial invoice must include for customs: HS codes, Incoterms, country of origin, and payment terms."),
    ], ["https://customsauthority.example/export"], []),
    # - export only: business directory
    export_site("bizdirectoryuk.info", 13, [
        ("finance/invoicing", "UK Business Directory - invoicing - add your listing", f"{FH}/", "Freelancer Hub", ""),
    ]),
    # - export only: spun article farm (keyword-stuffed title)
    export_site("articlespinnerhub.top", 6, [
        ("freelance-invoice-tips", "Freelance invoice tips freelance invoicing guide invoice freelancer late payment", f"{SB}/late-payment-reminders", "late payment", ""),
    ]),

    # ================================================================ learning Spanish with podcasts
    # + polyglot blog
    site("polyglotdiaries.blog", "Polyglot Diaries", "Learning languages as an adult.", 41, [
        ("posts/b2-in-a-year", "article", "How I reached B2 in Spanish", "Mostly listening: an hour of audio a day, shadowing, and a tutor once a week to make me speak."),
    ], [(f"{LH}/best-spanish-podcasts", "best Spanish podcasts")], ["learn-spanish-podcasts"]),
    # + Spanish teachers' network
    site("spanishteachersnetwork.org", "Spanish Teachers Network", "Resources for teachers of Spanish.", 49, [
        ("listening", "resource", "Listening resources for your students", "Graded audio, podcasts, songs and video for classroom and home listening practice."),
    ], [], ["learn-spanish-podcasts"]),
    # + language exchange
    site("languageexchangecafe.com", "Language Exchange Cafe", "Weekly language exchange meetups.", 32, [
        ("practice-between-meetups", "article", "Practising between exchanges", "The audio we listen to on the bus so we have something to say on Thursday night."),
    ], [(f"{HA}/learn-spanish-by-listening", "learn by listening")], ["learn-spanish-podcasts"]),
    # + expat in Madrid
    site("expatinmadrid.blog", "Expat in Madrid", "Life after moving to Madrid.", 35, [
        ("posts/learning-spanish", "article", "Learning Spanish after the move", "Classes helped, but understanding people at the market only came after months of listening every day."),
    ], [], ["learn-spanish-podcasts"]),
    # + homeschool languages
    site("homeschoollanguages.com", "Homeschool Languages", "Foreign language curricula for home educators.", 38, [
        ("spanish", "resource", "Spanish for homeschoolers", "Curricula, readers, audio and online tutors for Spanish at home."),
    ], [], ["learn-spanish-podcasts"]),
    # + export only: university language centre
    export_site("languagecentre.yorkuni.ac.uk", 60, [
        ("self-study/spanish", "Self-study resources: Spanish - Language Centre", f"{LH}/best-spanish-podcasts", "Spanish podcasts", ""),
    ], ["learn-spanish-podcasts"]),
    # - adjacent: podcast equipment
    site("podcastmicreview.com", "Podcast Mic Review", "Microphones and gear for podcasters.", 46, [
        ("best-mics", "article", "Best microphones for a new podcast", "USB or XLR, dynamic or condenser: what to buy for your first podcast, and how to listen back to check your levels."),
    ], [], []),
    # - homonym: Spanish football podcast
    site("laligadaily.com", "La Liga Daily", "Spanish football news and podcasts.", 54, [
        ("podcast", "article", "The La Liga Daily podcast", "Listen to our Spanish football podcast every Monday: results, transfers and tactics from Spain."),
    ], [], []),
    # - booking: holiday rentals
    site("costavillas.travel", "Costa Villas", "Holiday villas in Spain.", 36, [
        ("villas", "article", "Villas on the Costa del Sol", "Private pools, sea views, sleeps six to twelve. Book online with a 10% deposit."),
    ], [], []),
    # - adjacent: podcast recommendations (true crime)
    site("truecrimepodcasts.net", "True Crime Podcasts", "Reviews of true crime podcasts.", 43, [
        ("best-2026", "article", "Best true crime podcasts of 2026", "Twenty shows worth your commute, from cold cases to courtroom series."),
    ], [], []),
    # - service: translation
    site("spanishtranslationservices.com", "Spanish Translation Services", "Certified Spanish translation.", 30, [
        ("quote", "article", "Get a quote", "Certified translation of documents into and from Spanish. Quote within 24 hours."),
    ], [], []),
    # - product page: language app
    site("speakfastapp.com", "SpeakFast", "Learn Spanish in ten minutes a day.", 40, [
        ("spanish", "article", "Learn Spanish with SpeakFast", "Bite-sized lessons, streaks and native audio. Download the app and start your free week."),
    ], [], []),
    # - export only: podcast directory
    export_site("podcastdirectoryfree.info", 11, [
        ("education/languages", "Free Podcast Directory - languages - submit your show", f"{HA}/", "Hablamos", ""),
    ]),

    # ================================================================ family tree, census records
    # + family history society
    site("kentfhs.org.uk", "Kent Family History Society", "Helping members trace their Kent ancestors.", 46, [
        ("beginners", "resource", "Beginners' corner", "Getting started: certificates, censuses, parish registers and the guides we recommend to new members."),
    ], [(f"{GG}/census-records-beginners", "census records for beginners")], ["family-tree-census"]),
    # + personal genealogy blog
    site("myancestorsblog.com", "My Ancestors", "One family's history, one record at a time.", 30, [
        ("posts/found-her-in-1881", "article", "How I found my great-great-grandmother", "She was listed as Mary Ann in 1871 and Marian in 1881, ten years older than she should have been."),
    ], [], ["family-tree-census"]),
    # + local history archive
    site("localhistoryarchive.org", "Local History Archive", "Records and research guides for local historians.", 52, [
        ("research-guides", "resource", "Research guides", "Census returns, parish registers, electoral rolls, maps and trade directories: what each source holds and where to find it."),
    ], [(f"{FS}/using-census-records", "using census records")], ["family-tree-census"]),
    # + genealogy newsletter
    site("genealogyweekly.news", "Genealogy Weekly", "News and new records for family historians.", 44, [
        ("issues/120", "resource", "Genealogy Weekly 120", "New parish register transcriptions, the 1921 census one year on, DNA matches and a reader's brick wall solved."),
    ], [(f"{GG}/census-records-beginners", "census guide")], ["family-tree-census"]),
    # + one-name study
    site("onenamestudy.blog", "The Pennington One-Name Study", "Every Pennington, everywhere.", 28, [
        ("method", "article", "How this study works", "We extract every Pennington from each census and civil registration index, then reconstruct the families."),
    ], [], ["family-tree-census"]),
    # + export only: public library research guides
    export_site("derbyshirelibraries.gov.uk", 62, [
        ("family-history", "Family history research guides - Derbyshire Libraries", f"{GG}/census-records-beginners", "census records guide", ""),
    ], ["family-tree-census"]),
    # - homonym: a census of trees
    site("arboristnews.com", "Arborist News", "News for tree care professionals.", 45, [
        ("features/street-tree-census", "article", "Running a street tree census", "Volunteers recorded the species, girth and condition of every street tree in the city; the results guide replanting."),
    ], [], []),
    # - homonym: census statistics
    site("censusdataanalytics.com", "Census Data Analytics", "Demographic data and dashboards.", 50, [
        ("api", "article", "Census data API", "Population, households and migration from the 2021 census, by area, through one API. Plans from $49 a month."),
    ], [], []),
    # - homonym: decision trees
    site("decisiontreesexplained.dev", "Decision Trees Explained", "Tree-based machine learning models.", 47, [
        ("posts/tree-family", "article", "The family of tree models", "Decision trees, random forests and gradient boosting: how each generation of tree models improved on its parents."),
    ], [], []),
    # - shop: DNA kits
    site("dnakits.shop", "DNA Kits", "Ancestry DNA tests.", 36, [
        ("ancestry", "article", "Discover your ancestry", "Order your DNA kit today and find relatives around the world. Free delivery."),
    ], [], []),
    # - adjacent: royal family gossip
    site("royalfamilynews.com", "Royal Family News", "News about the royal family.", 58, [
        ("explainers/family-tree", "article", "The royal family tree explained", "From Queen Victoria to the present day: who is who, and who is next in line."),
    ], [], []),
    # - adjacent: general history blog
    site("victorianbritain.blog", "Victorian Britain", "Essays on nineteenth-century Britain.", 40, [
        ("essays/railways", "article", "How the railways changed Britain", "Between 1840 and 1870 the railways remade towns, diets and the idea of time."),
    ], [], []),
    # - export only: auto-generated surname pages
    export_site("surnamemeanings.xyz", 8, [
        ("p/pennington", "Pennington surname meaning, origin, family tree, census, genealogy, ancestry", f"{FS}/", "family search tips", ""),
    ]),

    # ================================================================ heat pump sizing
    # + old house retrofit
    site("oldhouseretrofit.org", "Old House Retrofit", "Making older homes warm and low-carbon without harming them.", 50, [
        ("resources", "resource", "Retrofit resources", "Breathable insulation, draught-proofing, windows and low-carbon heating for solid-wall houses."),
    ], [(f"{GH}/heat-pumps-in-old-houses", "heat pumps in old houses")], ["heat-pump-sizing"]),
    # + community energy group
    site("energysavingcommunity.org.uk", "Energy Saving Community", "A community energy group in Devon.", 34, [
        ("advice", "resource", "Home energy advice", "Grants, free home surveys, insulation and heating advice for householders."),
    ], [], ["heat-pump-sizing"]),
    # + household blog
    site("lowcarbonhomes.blog", "Low Carbon Homes", "Our 1920s semi, one retrofit at a time.", 31, [
        ("posts/a-year-with-our-heat-pump", "article", "A year with our heat pump", "We swapped three radiators, set the flow to 45 degrees and used 3,900 kWh of electricity for the whole winter."),
    ], [(f"{HG}/heat-loss-calculation", "heat loss calculation")], ["heat-pump-sizing"]),
    # + period property forum
    site("periodpropertyforum.co.uk", "Period Property Forum", "Advice for owners of old and listed buildings.", 43, [
        ("threads/heating-a-listed-building", "article", "Heating a listed building", "Keeping a Georgian house warm without ruining lime plaster or sash windows: what has worked for members."),
    ], [], ["heat-pump-sizing"]),
    # + trade magazine
    site("heatinginstallerweekly.com", "Heating Installer Weekly", "News and technical features for heating installers.", 55, [
        ("technical/design-flow-temperatures", "article", "Design flow temperatures", "Room-by-room heat loss, emitter sizing and why 45 degrees is the new normal."),
    ], [(f"{HG}/heat-loss-calculation", "heat loss guide")], ["heat-pump-sizing"]),
    # + export only: climate action group
    export_site("stroudclimateaction.org.uk", 25, [
        ("householders", "Resources for householders - Stroud Climate Action", f"{GH}/heat-pumps-in-old-houses", "heat pumps in old houses", ""),
    ], ["heat-pump-sizing"]),
    # - homonym: chilli heat
    site("chillisauceheat.com", "Chilli Sauce Heat", "Hot sauce reviews and Scoville ratings.", 37, [
        ("scoville", "article", "Sizing up the heat", "How Scoville ratings work and how to pump up the heat in a sauce without losing flavour."),
    ], [], []),
    # - homonym: bike pumps
    site("bikepumpreviews.com", "Bike Pump Reviews", "Track pumps and mini pumps tested.", 29, [
        ("best-track-pumps", "article", "Best track pumps", "Gauges, valve heads and the right size of pump for road, gravel and mountain bikes."),
    ], [], []),
    # - lead generation
    site("heatpumpquotes.co.uk", "Heat Pump Quotes", "Compare quotes from local installers.", 35, [
        ("get-quotes", "article", "Get three quotes", "Tell us about your home and get three quotes from local heat pump installers. Free survey, no obligation."),
    ], [], []),
    # - shop
    site("solarpanelshop.com", "Solar Panel Shop", "Solar panels and batteries.", 33, [
        ("heat-pumps", "article", "Air source heat pumps", "Heat pumps from 5 to 16 kW in stock. Buy now with free delivery."),
    ], [], []),
    # - stock promotion ("pump")
    site("pennystockalerts.xyz", "Penny Stock Alerts", "Daily penny stock picks.", 5, [
        ("alerts", "article", "Today's pump alerts", "This energy stock could run 1000%. Join the alert list before the next pump."),
    ], [], []),
    # - adjacent: window air conditioners
    site("airconditioningtips.com", "Air Conditioning Tips", "Keeping cool in hot apartments.", 41, [
        ("sizing", "article", "Sizing a window air conditioner", "BTU per square foot, sun exposure and ceiling height: how big an AC unit your room needs."),
    ], [], []),
    # - export only: link directory
    export_site("homeimprovementlinks.top", 9, [
        ("heating", "Home Improvement Links - heating - 1,800 links", f"{HG}/", "heat pumps", ""),
    ]),

    # ================================================================ cast iron seasoning
    # + campfire cooking
    site("campfirecooking.blog", "Campfire Cooking", "Dutch ovens and skillets over the fire.", 35, [
        ("posts/after-the-trip", "article", "Looking after your pans after the trip", "Scrape, rinse, dry over the embers and oil while warm. A skillet that lives in a damp car boot will rust."),
    ], [(f"{SC}/restore-rusty-cast-iron", "restoring rusty cast iron")], ["cast-iron-seasoning"]),
    # + vintage cookware collectors
    site("vintagecookwarecollectors.org", "Vintage Cookware Collectors", "For collectors of old cookware.", 38, [
        ("restoration", "resource", "Restoration guides", "Lye baths, electrolysis and re-seasoning old Griswold and Wagner pans."),
    ], [(f"{SC}/restore-rusty-cast-iron", "restore rusty cast iron")], ["cast-iron-seasoning"]),
    # + home cooking basics
    site("homecookbasics.com", "Home Cook Basics", "The basics of cooking at home.", 47, [
        ("kitchen-basics", "resource", "Kitchen basics", "Knives, pans, stocks and sauces: the guides we recommend to people learning to cook."),
    ], [(f"{SK}/cast-iron-seasoning-guide", "cast iron guide")], ["cast-iron-seasoning"]),
    # + zero-waste kitchen
    site("zerowastekitchen.blog", "Zero Waste Kitchen", "Cooking with less waste and less plastic.", 36, [
        ("posts/buy-once", "article", "Buy once: cookware that lasts", "A carbon steel wok and an iron skillet will outlive every non-stick pan you own if you look after them."),
    ], [], ["cast-iron-seasoning"]),
    # + culinary school notes
    site("cookingschoolnotes.com", "Cooking School Notes", "Notes from a year at culinary school.", 33, [
        ("equipment/pans", "article", "Pans: what we use and why", "Stainless, carbon steel and cast iron; how the school cleans and maintains each."),
    ], [], ["cast-iron-seasoning"]),
    # + export only: outdoor cooking forum
    export_site("outdoorcookingforum.net", 29, [
        ("useful-guides", "Useful guides - Outdoor Cooking Forum", f"{SC}/restore-rusty-cast-iron", "rusty cast iron", ""),
    ], ["cast-iron-seasoning"]),
    # - homonym and shop: spice seasonings
    site("spiceseasonings.shop", "Spice Seasonings", "Seasoning blends and rubs.", 30, [
        ("blends", "article", "Seasoning blends", "Cajun, jerk and smoky barbecue seasonings for your skillet. Add to cart."),
    ], [], []),
    # - homonym: dietary iron
    site("ironsupplementguide.com", "Iron Supplement Guide", "Iron deficiency and how to treat it.", 44, [
        ("absorption", "article", "Iron absorption", "Iron-rich foods, supplements and vitamin C: how to get more iron into your blood."),
    ], [], []),
    # - homonym: golf irons ("cast")
    site("golfironsreview.com", "Golf Irons Review", "Golf club reviews.", 46, [
        ("cast-vs-forged", "article", "Cast vs forged irons", "Cast irons are forgiving and cheap; forged irons give more feel. Which suit your swing?"),
    ], [], []),
    # - homonym: TV seasons
    site("tvseasonrecaps.com", "TV Season Recaps", "Episode and season recaps.", 49, [
        ("season-3", "article", "Season 3 recap", "Everything that happened in the third season before the finale."),
    ], [], []),
    # - homonym: cast iron in industrial history
    site("foundryhistory.org", "Foundry History", "Industrial heritage of iron founding.", 42, [
        ("cast-iron-bridges", "article", "Cast iron bridges", "How nineteenth-century foundries cast the iron for bridges, columns and railings, and why some cracked."),
    ], [], []),
    # - adjacent: recipes only
    site("veganrecipeshub.com", "Vegan Recipes Hub", "Easy vegan recipes.", 45, [
        ("recipes/crispy-potatoes", "article", "Crispy skillet potatoes", "Parboil, shake, and fry in a hot pan with plenty of oil and rosemary."),
    ], [], []),
    # - export only: coupon page, sponsored
    export_site("kitchendealscoupons.top", 10, [
        ("serious-kitchen", "Serious Kitchen promo codes", f"{SK}/", "Serious Kitchen", "sponsored"),
    ]),

    # ================================================================ link farms and spam across niches
    # - guest-post marketplace: all niches, hundreds of links a page, no obvious spam word
    site("bestguestpostsites.net", "Best Guest Post Sites", "Guest posting on 500 sites: tech, health, pets, home, finance, travel, food.", 14, [
        ("write-for-us", "guest_post", "Write for us: all niches accepted", "Python, gardening, hiking, pets, coffee, heat pumps, freelancing, languages, genealogy and cooking posts accepted within 24 hours. Pricing per post."),
    ], [f"{RP}/python-type-checking", f"{OA}/winter-pruning-apple-trees", f"{PS}/crate-training-guide", f"{HG}/heat-loss-calculation"],
        [], outbound=450),
    # - general magazine made of paid posts
    site("lifestylemagazinetoday.com", "Lifestyle Magazine Today", "Home, garden, pets, money, coffee and travel: daily articles.", 22, [
        ("home/heat-pump-tips", "article", "7 tips for choosing a heat pump", "Thinking about a heat pump? Here are seven quick tips on sizing, installers and grants from our partners."),
        ("garden/pruning-apple-trees", "article", "How to prune apple trees: 5 easy steps", "Prune in winter, remove dead wood, open the centre, shorten leaders and enjoy your apples."),
        ("pets/puppy-crate", "article", "Puppy crate training made easy", "Crate training a puppy is easy with these tips from our partners."),
    ], [f"{GH}/heat-pumps-in-old-houses", f"{OA}/winter-pruning-apple-trees", f"{PS}/crate-training-guide"], []),
    # - article directory, keyword-stuffed description
    site("seoarticleshub.info", "SEO Articles Hub", "articles python type hints espresso heat pump puppy crate census spanish podcasts cast iron", 7, [
        ("directory", "resource", "Article directory", "Python type hints, espresso dialling in, heat pump sizing, puppy crate training, census records, Spanish podcasts, cast iron seasoning, freelance invoices, day hike packing list, trail camera: submit your article."),
    ], [f"{CG}/dialing-in-espresso", f"{GG}/census-records-beginners", f"{LH}/best-spanish-podcasts"], [], outbound=320),
    # - private blog network page: gardening and home, links to several competitors
    site("homeandgardenideas24.com", "Home and Garden Ideas 24", "home garden ideas tips apple tree pruning heat pump cast iron", 11, [
        ("ideas", "article", "Home and garden ideas", "Apple tree pruning ideas, heat pump ideas, cast iron pan ideas, trail camera ideas and day hike ideas for your home and garden."),
    ], [f"{OA}/winter-pruning-apple-trees", f"{HG}/heat-loss-calculation", f"{SK}/cast-iron-seasoning-guide"], []),
    # - casino spam stuffed with the new topics (assist's spam filter removes it)
    site("jackpotcityslots.xyz", "Jackpot City Slots", "casino slots jackpot free spins bonus", 3, [
        ("partners", "resource", "Partners: python, espresso, puppies, heat pumps, genealogy",
         "python type hints espresso puppy crate training heat pump census family tree cycling knee pain casino jackpot slots"),
    ], [f"{RP}/python-type-checking", f"{CG}/dialing-in-espresso"], []),
    # - paid-link seller
    site("dofollowlinksforsale.top", "Links For Sale", "buy backlinks dofollow high DA", 4, [
        ("write-for-us", "guest_post", "Write for us: any topic", "buy backlinks dofollow posts on cooking, gardening, pets, coffee, languages, history and finance"),
    ], [f"{FH}/how-to-write-an-invoice", f"{SC}/restore-rusty-cast-iron"], []),
]


def domain_of(entry: dict[str, Any]) -> str:
    return str(entry["url"]).split("/")[2]


def labels(all_drafts: list[str] = DRAFTS) -> dict[str, set[str]]:
    """draft stem -> the domains (new and original sites) that truly link to it; new sites may link to
    original drafts too, so pass every draft to get those."""
    out: dict[str, set[str]] = {d: set() for d in all_drafts}
    for s in SITES:
        for draft in s["links_to"]:
            if draft in out:
                out[draft].add(domain_of(s))
    for domain, drafts in EXTRA_LABELS.items():
        for draft in drafts:
            if draft in out:
                out[draft].add(domain)
    return out
