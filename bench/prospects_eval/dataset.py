"""The labelled prospects set: five drafts' topics, 50 sites, and which sites truly link to which draft.

Written by hand to look like the web: the true linkers of a draft cover its topic in their own words
(often without its keywords) and most, not all, link out to competitors' pages on the topic; decoys
share the draft's keywords but not its subject (JavaScript "async", stand-up comedy, "status
pages"), or cover the topic but never link out (shops); spam pages stuff every keyword.
Each site: domain, name, description, authority, pages [(path, kind, title, text)], outbound links,
and ``links_to``: the drafts (by file stem) it really links to.
"""

from __future__ import annotations

from typing import Any

DRAFTS = ["async-status-updates", "sourdough-starter", "index-funds", "container-queries", "trail-shoes"]


def site(domain: str, name: str, description: str, authority: float, pages: list[tuple[str, str, str, str]],
         links: list[str] = (), links_to: list[str] = ()) -> dict[str, Any]:  # type: ignore[assignment]
    return {
        "url": f"https://{domain}/", "name": name, "description": description, "authority": authority,
        "pages": [{"url": f"https://{domain}/{path}", "kind": kind, "title": title, "text": text,
                   "outbound_links": 25 if kind == "resource" else 6} for path, kind, title, text in pages],
        "links": [{"source": f"https://{domain}/{pages[0][0]}", "target": t} for t in links],
        "links_to": list(links_to),
    }


SITES: list[dict[str, Any]] = [
    # ---------------------------------------------------------------- remote work / async updates
    site("writtenculture.blog", "Written Culture", "How distributed companies run on documents instead of meetings.", 48, [
        ("reading-list", "resource", "Remote reading list", "Essays and guides we send to every new hire about working across time zones, writing things down and deciding in documents."),
        ("posts/decision-docs", "article", "Decide in a doc, not in a call", "When half the team is asleep, a call excludes them. A short decision document with context, options and a deadline lets everyone weigh in on their own hours."),
    ], ["https://asyncfirst.io/blog/writing-async-updates", "https://remotely.blog/async-communication-guide"], ["async-status-updates"]),
    site("engmanagerweekly.com", "Eng Manager Weekly", "A newsletter for engineering leads.", 55, [
        ("issues/88", "article", "Issue 88: we cancelled the daily sync", "Our team replaced the morning call with a written check-in thread. Blockers surface faster and nobody in Singapore joins at 11pm any more."),
        ("links", "resource", "Links for managers", "Curated articles on one-on-ones, team rituals, written check-ins and running a team across time zones."),
    ], ["https://asyncfirst.io/blog/writing-async-updates"], ["async-status-updates"]),
    site("acrosszones.com", "Across Zones", "Guides for teams spread over many time zones.", 37, [
        ("resources", "resource", "Time zone toolkit", "Overlap calculators, handoff templates and our favourite writing on collaborating when you are never online at the same time."),
        ("guides/handoffs", "article", "Follow-the-sun handoffs", "End your day with a short written handoff: what moved, what is stuck, who needs to decide. The next region picks it up without a meeting."),
    ], [], ["async-status-updates"]),
    site("quietworkplace.org", "Quiet Workplace", "Research and essays on calmer, less interrupted work.", 44, [
        ("essays/fewer-meetings", "article", "The case for fewer meetings", "Every recurring meeting taxes the focus of everyone invited. Replacing routine syncs with written updates returns hours of deep work a week."),
        ("library", "resource", "The calm work library", "Books, studies and articles about interruptions, focus, meeting load and written communication."),
    ], ["https://deepworkweekly.com/meeting-free-afternoons"], ["async-status-updates"]),
    site("hybridteamtools.com", "Hybrid Team Tools", "Directory of software for hybrid and distributed teams.", 41, [
        ("tools/check-ins", "resource", "Check-in and standup tools", "Geekbot, Range, Standuply and plain shared documents compared for teams that report progress in writing instead of in a call."),
    ], ["https://remotely.blog/async-communication-guide", "https://remotely.blog/tools/remote-team-tools"], ["async-status-updates"]),
    site("jsasync.dev", "JS Async", "Asynchronous JavaScript: promises, async/await, event loop.", 52, [
        ("guides/async-await", "article", "Async/await status and updates in JavaScript", "Handle promise status updates with async functions, await each update, catch errors and report status to the UI without blocking the event loop."),
        ("resources", "resource", "Async JavaScript resources", "Links to specs and talks about promises, async iterators and the event loop."),
    ], ["https://mdnotes.dev/javascript/async-await-guide"], []),
    site("openmicnights.club", "Open Mic Nights", "Stand-up comedy open mics and workshops.", 22, [
        ("daily-standups", "article", "Daily stand-ups: our comedy open mic schedule", "Daily stand-up sets every evening. Team nights, remote writing workshops and status updates on the line-up for each show."),
    ], ["https://comedyclubs.net/how-to-write-a-tight-five"], []),
    site("statuspagepro.io", "StatusPage Pro", "Status pages and incident communication for SaaS.", 58, [
        ("blog/status-updates", "article", "Writing status updates during an incident", "Post status updates to your status page every 30 minutes during an outage: what is affected, what you are doing, when the next update comes."),
    ], ["https://incidentnotes.com/incident-communication-template"], []),
    site("ergodeskshop.com", "ErgoDesk Shop", "Standing desks and chairs for remote workers.", 46, [
        ("remote-teams", "article", "Equip your remote team", "Bulk pricing on standing desks, monitor arms and chairs for distributed teams working from home. Free shipping."),
    ], [], []),
    site("teamrituals.co", "Team Rituals", "Facilitation guides for retrospectives, kickoffs and team rituals.", 39, [
        ("guides/async-retro", "article", "Running a retro without a meeting", "Collect what went well and what hurt in a shared document over two days, then vote and assign owners in writing."),
        ("write-for-us", "guest_post", "Write for Team Rituals", "We publish practical guides from managers and facilitators about rituals that work for distributed teams."),
    ], ["https://asyncfirst.io/blog/meeting-free-wednesdays"], ["async-status-updates"]),
    # ---------------------------------------------------------------- baking / sourdough starter
    site("crumbandcrust.com", "Crumb and Crust", "Home bread baking, one loaf at a time.", 51, [
        ("blog/feeding-schedule", "article", "A feeding schedule that fits a work week", "Keep your levain in the fridge, feed it Thursday night and bake on Saturday. Ratios, temperatures and what a healthy culture smells like."),
        ("resources", "resource", "Bread baking resources", "Our favourite guides on wild yeast, hydration, shaping and scoring."),
    ], ["https://breadlab.net/how-to-make-a-sourdough-starter"], ["sourdough-starter"]),
    site("wildyeastdiaries.blog", "Wild Yeast Diaries", "A baker's notebook on natural leavening.", 33, [
        ("posts/day-five-hooch", "article", "Day five: hooch, smells and patience", "The liquid on top of a young culture is harmless. Stir it in, feed with whole rye, keep it warm and wait for it to double."),
    ], [], ["sourdough-starter"]),
    site("fermentationfriends.org", "Fermentation Friends", "Community club for kimchi, kombucha, kefir and bread.", 42, [
        ("links", "resource", "Fermentation link library", "Trusted guides to lacto-fermentation, kombucha SCOBYs, milk kefir grains and bread levain."),
    ], ["https://breadlab.net/how-to-make-a-sourdough-starter", "https://kombuchahq.com/first-brew"], ["sourdough-starter"]),
    site("bakingscience.net", "Baking Science", "The chemistry behind bread, cakes and pastry.", 60, [
        ("articles/lactic-acid-bacteria", "article", "Lactobacilli and yeast in a levain", "How lactic acid bacteria and wild yeast share a culture, why acidity rises with time and how temperature shifts the balance."),
    ], ["https://breadlab.net/sourdough-hydration-explained"], ["sourdough-starter"]),
    site("sourdoughpizza.shop", "Sourdough Pizza Shop", "Order sourdough pizza in Leeds.", 18, [
        ("menu", "article", "Our sourdough pizza menu", "Sourdough starter crust pizza, 48 hour dough, sourdough starter flavour. Order sourdough pizza online for delivery."),
    ], [], []),
    site("starterjar.store", "Starter Jar Store", "Glass jars and dried sourdough starter for sale.", 25, [
        ("products/dried-starter", "article", "Buy dried sourdough starter", "Our sourdough starter ships dried. Sourdough starter jar, sourdough starter kit, sourdough starter flour. Add to cart."),
    ], [], []),
    site("gardenstarters.com", "Garden Starters", "Seed starting for vegetable gardeners.", 36, [
        ("guides/seed-starter-mix", "article", "Starter mix, feeding and daily care for seedlings", "Make your own seed starter mix, feed seedlings weekly, keep them warm until they double in size and harden them off."),
    ], ["https://growguide.org/seed-starting-indoors"], []),
    site("weeknightbaker.com", "Weeknight Baker", "Easy bakes for busy evenings.", 47, [
        ("recipes/no-knead", "article", "No-knead bread with a sleepy levain", "Even a starter straight from the fridge raises this loaf overnight. Mix, fold twice, bake in a Dutch oven."),
        ("contribute", "guest_post", "Share your bake", "Send us your best weeknight bread or cake recipe to publish as a guest post."),
    ], ["https://breadlab.net/sourdough-hydration-explained"], ["sourdough-starter"]),
    site("slowfoodkitchen.org", "Slow Food Kitchen", "Traditional cooking, preserving and baking.", 38, [
        ("preserving/levain", "article", "Keeping a levain alive for generations", "Families in the Auvergne kept the same culture for decades, refreshing it with each bake. How to do it at home with flour, water and time."),
    ], [], ["sourdough-starter"]),
    # ---------------------------------------------------------------- personal finance / index funds
    site("frugalfuture.blog", "Frugal Future", "Spending less, investing the rest.", 45, [
        ("start-here", "resource", "Start here: money resources", "Budgeting, emergency funds, retirement accounts and the low-cost investing guides we recommend to readers."),
        ("posts/first-10k", "article", "How I invested my first 10,000", "I split it across a total market fund and a bond fund, set up monthly purchases and stopped checking prices."),
    ], ["https://moneybasics.org/index-funds-explained"], ["index-funds"]),
    site("passiveinvestornotes.com", "Passive Investor Notes", "Notes on buy-and-hold portfolios.", 53, [
        ("notes/expense-ratios", "article", "Why a 0.03% fee beats a star manager", "Over thirty years fees compound. Most active funds trail their benchmark after costs, so a cheap fund that holds the whole market usually wins."),
    ], ["https://moneybasics.org/index-funds-explained", "https://boglewiki.net/three-fund-portfolio"], ["index-funds"]),
    site("payoffdebt.co", "Pay Off Debt", "Getting out of debt, then building wealth.", 40, [
        ("guides/after-debt", "article", "What to do after your last payment", "Redirect the old payment into a retirement account invested in a broad, low-fee fund. Automate it before lifestyle creep does."),
    ], [], ["index-funds"]),
    site("collegemoneyclub.org", "College Money Club", "Personal finance for students and new graduates.", 35, [
        ("resources", "resource", "Money resources for graduates", "Student loans, first budgets, workplace pensions and beginner investing explained."),
    ], ["https://moneybasics.org/index-funds-explained"], ["index-funds"]),
    site("indexfundsnow.xyz", "Index Funds Now", "index funds index fund investing best index funds", 8, [
        ("best-index-funds", "article", "Best index funds index fund beginners", "Index funds for beginners index fund guide best index funds 2026 index funds casino bonus crypto giveaway index funds."),
    ], [], []),
    site("sp500tracker.app", "S&P Tracker", "Live S&P 500 index quotes and charts.", 50, [
        ("index/spx", "article", "S&P 500 index live", "Live index level, futures, funds flows and market data for the S&P 500 index, updated every second."),
    ], [], []),
    site("mathindex.edu.example", "Math Index", "An index of mathematics lecture notes.", 62, [
        ("funds-of-knowledge", "article", "Index of funds of knowledge in mathematics education", "An index of lecture notes, funded projects and beginner resources for maths teachers."),
    ], ["https://mathlectures.org/linear-algebra"], []),
    site("earlyretirementlab.com", "Early Retirement Lab", "Experiments in retiring before 50.", 57, [
        ("lab/withdrawal-rate", "article", "Testing the 4% rule", "A diversified portfolio of equity and bond funds, rebalanced yearly, survived most historical thirty-year periods at a 4% withdrawal."),
        ("write-for-us", "guest_post", "Guest posts", "We accept data-driven guest posts on saving, investing and retirement."),
    ], ["https://boglewiki.net/three-fund-portfolio"], ["index-funds"]),
    site("moneyparenting.com", "Money Parenting", "Teaching kids about money.", 31, [
        ("posts/junior-isa", "article", "Opening a junior account for your child", "A small monthly amount into a global tracker fund, left alone for 18 years, can pay for a first car or a deposit."),
    ], [], ["index-funds"]),
    # ---------------------------------------------------------------- web development / container queries
    site("cssweekly.example", "CSS Weekly Digest", "A weekly roundup of CSS articles.", 59, [
        ("issues/512", "resource", "Issue 512", "This week: size queries land everywhere, a new color function, cascade layers in practice and a deep dive into subgrid."),
    ], ["https://csstricks.example/guide-to-container-queries"], ["container-queries"]),
    site("componentdriven.dev", "Component Driven", "Building design systems from components.", 46, [
        ("posts/intrinsic-components", "article", "Components that adapt to their slot", "A card should respond to the space its parent gives it, not to the viewport. Size containment makes truly reusable components possible."),
    ], ["https://csstricks.example/guide-to-container-queries"], ["container-queries"]),
    site("frontendfoundations.io", "Frontend Foundations", "Courses and notes on HTML, CSS and accessibility.", 49, [
        ("resources", "resource", "Layout resources", "The guides we recommend on flexbox, grid, responsive images and modern responsive layout."),
    ], [], ["container-queries"]),
    site("designsystemsdaily.com", "Design Systems Daily", "News and case studies about design systems.", 43, [
        ("case-studies/responsive-cards", "article", "How a retailer rebuilt its product cards", "Their cards now switch from stacked to horizontal based on the width of the column they sit in, which cut their layout variants by half."),
    ], ["https://webdevnotes.example/responsive-components"], ["container-queries"]),
    site("containershipping.news", "Container Shipping News", "Freight, ports and container logistics.", 55, [
        ("queries/container-rates", "article", "Container queries: freight rate questions answered", "Answers to reader queries on container rates, container sizes, breakpoints in pricing and port congestion."),
    ], ["https://portdata.example/freight-index"], []),
    site("dockerqueries.dev", "Docker Queries", "Q&A about Docker containers and Kubernetes.", 47, [
        ("q/container-size", "article", "How do I query container size and CSS assets in Docker?", "Inspect a container's size, query running containers, serve CSS files from an nginx container and set responsive resource limits."),
    ], ["https://dockerdocs.example/container-inspect"], []),
    site("pixelperfectshop.com", "Pixel Perfect Shop", "Premium website templates.", 28, [
        ("templates", "article", "Responsive templates", "Buy responsive CSS templates with container queries, breakpoints and media queries built in. Instant download."),
    ], [], []),
    site("a11ycasts.blog", "A11y Casts", "Accessibility for front-end developers.", 50, [
        ("posts/reflow", "article", "Reflow, zoom and resilient layouts", "Layouts that respond to available space rather than device width hold up better when users zoom to 400%."),
        ("write-for-us", "guest_post", "Write for us", "We publish guest posts about accessible front-end development."),
    ], ["https://webdevnotes.example/responsive-components"], ["container-queries"]),
    site("cssnewbie.example", "CSS Newbie", "CSS for beginners.", 30, [
        ("lessons/media-queries", "article", "Your first media queries", "Change font sizes and columns at viewport breakpoints with media queries."),
    ], [], []),
    # ---------------------------------------------------------------- outdoors / trail running shoes
    site("ultrarunnerlog.com", "Ultra Runner Log", "Training and race reports from the mountains.", 44, [
        ("gear", "resource", "Gear I trust", "The packs, poles, lights and footwear I use for mountain ultras, with links to the reviews that convinced me."),
        ("reports/lavaredo", "article", "Lavaredo race report", "Rocky descents shredded my old pair; lugs and a rock plate mattered more than cushioning on day two."),
    ], ["https://runrepeat.example/best-trail-running-shoes"], ["trail-shoes"]),
    site("fellrunningclub.org.uk", "Fell Running Club", "A club for fell and mountain runners in the Lake District.", 38, [
        ("newcomers", "resource", "Newcomers' guide", "Kit list, safety rules, navigation courses and advice on grippy footwear for wet grass and scree."),
    ], ["https://runrepeat.example/best-trail-running-shoes"], ["trail-shoes"]),
    site("hikeandfastpack.com", "Hike and Fastpack", "Lightweight hiking and fastpacking.", 41, [
        ("guides/footwear", "article", "Boots or runners for fastpacking?", "Most thru-hikers now walk in light, grippy running footwear that dries fast, trading ankle support for speed and fewer blisters."),
    ], ["https://outdoorgearlab.example/trail-runners-vs-boots"], ["trail-shoes"]),
    site("runningphysio.blog", "Running Physio", "A physiotherapist on running injuries.", 46, [
        ("posts/heel-drop", "article", "Heel drop, stack height and your Achilles", "Moving to low-drop footwear too fast is a common cause of calf and Achilles pain. Transition over weeks, not days."),
    ], [], ["trail-shoes"]),
    site("trailshoesoutlet.biz", "Trail Shoes Outlet", "cheap trail running shoes outlet", 9, [
        ("sale", "article", "Trail running shoes sale", "Trail running shoes cheap trail running shoes best trail running shoes discount replica trail shoes outlet pills loans."),
    ], [], []),
    site("shoeshinepro.com", "Shoe Shine Pro", "Leather shoe care and polishing.", 33, [
        ("guides/running-leather", "article", "Running a shoe shine: trail of polish", "How to polish leather shoes, choose a shoe tree, and keep dress shoes running for decades."),
    ], [], []),
    site("roadracingweekly.com", "Road Racing Weekly", "Marathon and road racing news.", 56, [
        ("news/super-shoes", "article", "Carbon super shoes and road records", "Carbon-plated road racing shoes keep breaking marathon records; federations debate stack limits."),
    ], ["https://roadrunnersworld.example/marathon-shoes"], []),
    site("mountainsafety.org", "Mountain Safety", "Safety advice for hillwalkers and runners.", 61, [
        ("advice/footwear", "resource", "Footwear and traction advice", "Choosing footwear with aggressive grip for wet rock, mud and snow, and when to add microspikes."),
    ], ["https://outdoorgearlab.example/trail-runners-vs-boots"], ["trail-shoes"]),
    site("parkrunfamily.blog", "Parkrun Family", "Weekend 5k runs with the kids.", 27, [
        ("posts/first-off-road", "article", "Our first off-road parkrun", "Muddy, hilly and brilliant. We borrowed grippy runners from friends and learned why road trainers slide on wet grass."),
    ], [], ["trail-shoes"]),
    # ---------------------------------------------------------------- spam and link farms
    site("best-casino-bonus-365.xyz", "Casino Bonus 365", "casino bonus slots jackpot free spins", 3, [
        ("partners", "resource", "Partners: remote work async standup sourdough index funds trail shoes",
         "remote work async standups status updates sourdough starter index funds container queries trail running shoes casino bonus slots jackpot"),
    ], ["https://asyncfirst.io/blog/writing-async-updates", "https://breadlab.net/how-to-make-a-sourdough-starter",
        "https://moneybasics.org/index-funds-explained"], []),
    site("cheap-pills-online-rx.biz", "Cheap Pills Online", "buy cheap pills online pharmacy", 2, [
        ("links", "resource", "Useful links: async status updates, trail running shoes, container queries",
         "async status updates for remote teams, best trail running shoes, css container queries, cheap pills viagra pharmacy"),
    ], ["https://runrepeat.example/best-trail-running-shoes", "https://csstricks.example/guide-to-container-queries"], []),
    site("payday-loans-now-fast.info", "Payday Loans Now", "instant payday loans no credit check", 4, [
        ("resources", "resource", "Resources: index funds, investing for beginners",
         "index funds investing beginners low cost index fund payday loans no credit check instant approval"),
    ], ["https://moneybasics.org/index-funds-explained"], []),
    site("seo-links-4-sale.top", "SEO Links 4 Sale", "buy backlinks cheap dofollow guest posts", 5, [
        ("write-for-us", "guest_post", "Write for us: sourdough, remote work, running, CSS, finance",
         "buy backlinks dofollow guest posts sourdough starter remote work async trail shoes css index funds"),
    ], ["https://breadlab.net/how-to-make-a-sourdough-starter", "https://asyncfirst.io/blog/writing-async-updates"], []),
]


def labels() -> dict[str, set[str]]:
    """draft stem -> the domains that truly link to it."""
    out: dict[str, set[str]] = {d: set() for d in DRAFTS}
    for s in SITES:
        for draft in s["links_to"]:
            out[draft].add(s["url"].split("/")[2])
    return out
