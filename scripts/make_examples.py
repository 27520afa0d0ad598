#!/usr/bin/env python3
"""Generate tamis' bundled example data in examples/ (python3 stdlib only).

    python3 scripts/make_examples.py [--out DIR] [--check]

Writes, deterministically (same bytes on every run):

  pages.warc.gz        WARC/1.1, one gzip member per record: a warcinfo record,
                       then a request + response record for each HTML page.
  articles.jsonl       dolma-layout documents ({"id", "text", "source",
                       "metadata": {"url"}}) of scraped article text with
                       template boilerplate around it, in the seed's style.
  articles.jsonl.gz    the same, gzip-compressed.

--check regenerates into a temporary folder and exits 1 if any file in the
output folder differs (useful in CI to catch hand edits).

All prose, site names, people and places below are fictional and were written
for tamis; the whole output is released under CC0 1.0. Host names use the
reserved .example top-level domain and addresses the TEST-NET range.
"""

import argparse
import base64
import datetime as dt
import filecmp
import gzip
import hashlib
import html
import json
import os
import sys
import tempfile
import uuid

# --------------------------------------------------------------------------
# Articles (original text, fictional people and places)
# --------------------------------------------------------------------------
# paras: body paragraphs; sub = (i, text): an <h2> placed before paras[i].

ARTICLES = {
    "tram": dict(
        lang="en",
        title="Council approves eastern tram extension after two-year debate",
        lede=("Port Ellery's city council voted 14 to 7 on Monday night to extend "
              "the Line 3 tram eight kilometres east to Millbrook and the Saltmarsh "
              "estates, ending a two-year argument over cost, route and the fate of "
              "the old goods yard."),
        paras=[
            ("The £212 million scheme, which still needs final sign-off from the "
             "regional transport authority, would add nine stops and is expected to "
             "carry around 18,000 passengers a day once it opens. Construction could "
             "start as early as next spring, with the first trams running in late "
             "2027 if the timetable holds."),
            ("Supporters packed the public gallery for the four-hour meeting. Many of "
             "them live in the eastern districts, where the only public transport "
             "link to the centre is a bus route that regularly takes more than fifty "
             "minutes at rush hour. “My daughter leaves at half past six to get to "
             "college on time,” said Margaret Okafor, who has lived in Saltmarsh for "
             "thirty years. “This is the first time in a long while that someone has "
             "listened to us.”"),
            ("Opposition councillors argued that the estimate had already risen twice "
             "and warned that the city could be left to cover any overrun. Councillor "
             "Peter Lindqvist, who leads the finance scrutiny committee, said the "
             "business case relied on passenger numbers that had “never been tested "
             "against a single real winter”. He proposed delaying the vote until an "
             "independent review was published, but the amendment was defeated."),
            ("Officials said the revised route avoids the most expensive section of "
             "the original plan, a bridge over the railway sidings, by following the "
             "line of the disused goods yard instead. Part of the yard will become a "
             "depot, and the rest is earmarked for about 400 homes, a quarter of "
             "them classed as affordable."),
            ("Shopkeepers along Harrow Road, where the tracks will run down the "
             "middle of the street, have asked for compensation during the works. "
             "The council said it would set up a support fund and keep at least one "
             "lane open to traffic at all times."),
            ("A public consultation on the design of the new stops opens next month. "
             "Residents will be able to comment online or at drop-in sessions in "
             "Millbrook library."),
        ],
        sub=(2, "Questions over cost remain"),
        author="Hannah Whitcombe",
        date="2024-03-12T07:45:00+00:00", date_text="12 March 2024",
        category="Transport",
        related="Bus fares frozen for a third year as ridership recovers",
        tags=["trams", "Port Ellery", "city council"],
    ),
    "tomatoes": dict(
        lang="en",
        title="What three summers of balcony tomatoes taught me",
        lede=("I started growing tomatoes on a fourth-floor balcony because I was "
              "tired of paying for fruit that tasted of nothing. Three summers, a "
              "great many split skins and one memorable pigeon incident later, here "
              "is what I would tell anyone starting out."),
        paras=[
            ("The first lesson is that the pot matters more than the variety. My "
             "early plants lived in ten-litre containers and spent every hot "
             "afternoon wilting, no matter how often I watered. Moving to "
             "thirty-litre tubs made a bigger difference than any fertiliser I tried. "
             "The roots stay cooler, the soil dries out more slowly and the plants "
             "simply sulk less."),
            ("Second, wind is the hidden problem up high. A balcony that looks "
             "sheltered can funnel gusts that snap stems overnight. I now tie every "
             "main stem loosely to a bamboo cane each week and keep the tallest "
             "plants in the corner closest to the wall."),
            ("Cherry types have been by far the most reliable. They ripen early, cope "
             "with a patchy summer and keep producing until October. The big "
             "beefsteak fruit I was so proud of in year one gave me exactly six "
             "tomatoes, four of which cracked after a heavy storm."),
            ("Feeding is where I wasted most money. A simple liquid tomato feed once "
             "a week from the first flowers onwards is all they need. More than that "
             "produced lush leaves and fewer fruit."),
            ("Finally, keep notes. A cheap notebook with sowing dates, first flowers "
             "and the first ripe fruit has taught me more about my own balcony than "
             "any book. This year I finally know that the west side gets two more "
             "hours of sun than the east, and that is where the plants will go."),
        ],
        sub=(2, "Choosing what to grow"),
        author="Tom Arkwright",
        date="2024-06-02T18:20:00+01:00", date_text="2 June 2024",
        category="Gardening",
        related="How I built a self-watering box from two storage crates",
        tags=["tomatoes", "balcony", "container gardening"],
    ),
    "vendanges": dict(
        lang="fr",
        title="Les vendanges démarrent avec près de deux semaines d’avance dans le vignoble",
        lede=("Chaleur précoce, printemps sec : dans les coteaux de "
              "Saint-Aubin-des-Vignes, les premiers raisins ont été coupés lundi, un "
              "calendrier que les vignerons n’avaient encore jamais connu."),
        paras=[
            ("À sept heures du matin, une vingtaine de cueilleurs étaient déjà au "
             "travail sur les parcelles du domaine Roussel, sécateur en main et seaux "
             "à leurs pieds. « Il y a quinze ans, on commençait fin septembre. Cette "
             "année, on a dû rappeler l’équipe en catastrophe », raconte Hélène "
             "Roussel, qui dirige l’exploitation familiale depuis 2009."),
            ("Selon la chambre d’agriculture, la floraison a eu lieu avec dix à douze "
             "jours d’avance, et les fortes chaleurs de juillet ont accéléré la "
             "maturation. Les raisins blancs, plus sensibles, sont les premiers "
             "concernés. Les rouges suivront sans doute à partir de la semaine "
             "prochaine."),
            ("Les volumes devraient être inférieurs de 15 à 20 % à la moyenne des cinq "
             "dernières années, en raison du manque d’eau et d’un épisode de grêle qui "
             "a touché une partie du secteur en juin. Mais les premiers relevés de "
             "sucre et d’acidité rassurent les œnologues, qui parlent d’un millésime "
             "« concentré et équilibré »."),
            ("Le principal défi reste la main-d’œuvre. Avec un démarrage aussi "
             "précoce, de nombreux étudiants n’ont pas encore terminé leurs emplois "
             "d’été ailleurs. Plusieurs domaines ont publié des annonces sur les "
             "réseaux sociaux et proposent désormais le logement et les repas pour "
             "attirer des saisonniers."),
            ("À la cave coopérative, on a avancé l’ouverture des quais de réception "
             "et prolongé les horaires jusqu’à 21 heures. « On s’adapte, comme chaque "
             "année, mais le climat nous oblige à tout repenser, jusqu’au choix des "
             "cépages », résume son président, Bernard Faure."),
        ],
        sub=(2, "Des volumes en baisse, une qualité prometteuse"),
        author="Claire Martin",
        date="2024-08-26T11:05:00+02:00", date_text="26 août 2024",
        category="Agriculture",
        related="Sécheresse : le préfet restreint l’irrigation dans douze communes",
        tags=["vendanges", "viticulture", "climat"],
    ),
    "bibliothek": dict(
        lang="de",
        title="Stadtbibliothek öffnet nach zweijähriger Sanierung wieder ihre Türen",
        lede=("Nach mehr als zwei Jahren Bauzeit ist die Stadtbibliothek am "
              "Marktplatz seit Samstag wieder geöffnet. Schon am ersten Tag kamen mehr "
              "als 1.500 Besucherinnen und Besucher."),
        paras=[
            ("Die Schlange reichte am Vormittag bis zum Brunnen vor dem Rathaus. "
             "Viele Familien nutzten die Gelegenheit, um sich die neuen Räume "
             "anzusehen, die nun über drei Etagen verteilt sind. Besonders gefragt "
             "war die Kinderabteilung im Erdgeschoss mit ihrer Leseecke in Form eines "
             "Schiffsrumpfs."),
            ("Die Sanierung hat rund 8,4 Millionen Euro gekostet, etwa eine Million "
             "mehr als ursprünglich geplant. Ein Teil der Mehrkosten entstand, weil "
             "bei den Arbeiten am Dach Schäden an der historischen Holzkonstruktion "
             "entdeckt wurden. Bund und Land haben gut die Hälfte der Summe "
             "übernommen."),
            ("Neu sind vor allem die Arbeitsplätze: Statt bisher 40 gibt es jetzt 160 "
             "Plätze, viele davon mit Steckdosen und Leselampen. „Gerade Schülerinnen "
             "und Schüler vor den Prüfungen haben uns immer wieder gefragt, wo sie in "
             "Ruhe lernen können“, sagt Bibliotheksleiterin Sabine Vogt. „Jetzt haben "
             "wir endlich eine Antwort.“"),
            ("Auch die Öffnungszeiten wurden ausgeweitet. Die Bibliothek ist künftig "
             "von Dienstag bis Samstag bis 20 Uhr geöffnet. An Sonntagen soll es "
             "einmal im Monat ein offenes Programm mit Lesungen und Workshops geben."),
            ("Der Bestand umfasst derzeit rund 62.000 Medien. Während der Bauzeit war "
             "ein Teil davon in einer ehemaligen Schule untergebracht, die als "
             "Ausweichquartier diente. Die Ausleihe dort lag nach Angaben der Stadt "
             "bei etwa einem Drittel des früheren Niveaus."),
        ],
        sub=(2, "Mehr Platz zum Lernen"),
        author="Jonas Becker",
        date="2024-04-20T16:30:00+02:00", date_text="20. April 2024",
        category="Lokales",
        related="Stadtrat beschließt neues Konzept für die Innenstadt",
        tags=["Bibliothek", "Sanierung", "Kultur"],
    ),
    "embalses": dict(
        lang="es",
        title="Los embalses de la comarca, al 31 % de su capacidad tras el invierno más seco en dos décadas",
        lede=("La confederación hidrográfica alerta de que, sin lluvias abundantes en "
              "primavera, los municipios del interior podrían sufrir restricciones de "
              "agua a partir de junio."),
        paras=[
            ("Los datos publicados este martes confirman lo que agricultores y "
             "ayuntamientos temían desde hace semanas. Los cuatro embalses que "
             "abastecen a la comarca almacenan en conjunto 96 hectómetros cúbicos, "
             "frente a los 180 de media para estas fechas en la última década."),
            ("El más afectado es el pantano de Valdecañas del Monte, que apenas supera "
             "el 18 %. En sus orillas han vuelto a asomar los restos de la antigua "
             "ermita que quedó sumergida en los años sesenta, una imagen que atrae a "
             "curiosos pero que los vecinos asocian con los peores años de sequía."),
            ("La mesa de la sequía se reunirá la próxima semana para decidir si "
             "reduce las dotaciones de riego. Las comunidades de regantes ya han "
             "advertido de que un recorte superior al 30 % pondría en riesgo la "
             "campaña de hortalizas. «Hemos modernizado los sistemas y ahorramos más "
             "agua que nunca, pero no podemos regar con lo que no hay», señaló Antonio "
             "Ruiz, presidente de una de ellas."),
            ("Varios ayuntamientos han empezado a actuar por su cuenta. En Villanueva "
             "del Río se han cerrado las fuentes ornamentales y se ha prohibido regar "
             "jardines privados en las horas de más sol. Otros municipios estudian "
             "campañas de concienciación en los colegios."),
            ("Los meteorólogos no descartan un cambio de tendencia en abril, aunque "
             "recuerdan que incluso una primavera lluviosa difícilmente bastaría para "
             "recuperar los niveles normales antes del verano."),
        ],
        sub=(2, "Primeras medidas"),
        author="Lucía Fernández",
        date="2024-02-27T09:10:00+01:00", date_text="27 de febrero de 2024",
        category="Medio ambiente",
        related="El precio del aceite de oliva vuelve a subir en origen",
        tags=["sequía", "embalses", "agricultura"],
    ),
    "mercato": dict(
        lang="it",
        title="Il mercato coperto riapre in piazza dopo un anno di lavori",
        lede=("Banchi rinnovati, un nuovo impianto di ventilazione e orari più lunghi: "
              "da sabato il mercato coperto di San Lorenzo in Valle torna ad accogliere "
              "clienti e commercianti."),
        paras=[
            ("Alle otto del mattino davanti ai cancelli c’era già una piccola folla. "
             "Molti erano clienti storici, abituati a fare la spesa qui da decenni, "
             "che durante i lavori si erano dovuti accontentare delle bancarelle "
             "provvisorie allestite nel parcheggio della stazione."),
            ("L’intervento, costato circa 2,3 milioni di euro, ha riguardato "
             "soprattutto la copertura in ferro e vetro, che perdeva acqua da anni, e "
             "gli impianti. I banchi sono passati da 28 a 34, e sei spazi sono stati "
             "riservati a giovani produttori agricoli della zona con un affitto "
             "ridotto per i primi due anni."),
            ("«Finalmente lavoriamo in un posto dignitoso», dice Giuseppe Marini, che "
             "vende formaggi nello stesso angolo da trentadue anni. Alcuni colleghi, "
             "però, temono che l’aumento dei canoni previsto dal prossimo anno pesi "
             "sui conti dei banchi più piccoli."),
            ("Il Comune ha annunciato che il mercato resterà aperto anche il giovedì "
             "pomeriggio e, in via sperimentale, la prima domenica di ogni mese, con "
             "degustazioni e laboratori per bambini."),
        ],
        sub=(2, "Commercianti soddisfatti, ma con qualche dubbio"),
        author="Marta Colombo",
        date="2024-05-18T10:00:00+02:00", date_text="18 maggio 2024",
        category="Cronaca",
        related="Parcheggi in centro, arrivano le nuove tariffe",
        tags=["mercato", "commercio", "centro storico"],
    ),
    "most": dict(
        lang="ru",
        title="В Заречье открыли новый пешеходный мост через реку",
        lede=("Мост длиной 140 метров соединил жилой район с набережной и парком. "
              "Раньше жителям приходилось делать крюк почти в два километра."),
        paras=[
            ("Торжественное открытие прошло в субботу утром. Первыми по мосту прошли "
             "ученики соседней школы и ветераны, которые много лет добивались "
             "строительства переправы. К обеду, по оценкам администрации района, по "
             "мосту прошли уже более трёх тысяч человек."),
            ("Строительство заняло полтора года и обошлось бюджету в 310 миллионов "
             "рублей. Конструкция рассчитана на пешеходов и велосипедистов, на ней "
             "установлены пандусы для колясок и светодиодное освещение."),
            ("«Мы слышали эту просьбу на каждой встрече с жителями. Теперь дорога до "
             "парка займёт пять минут вместо двадцати пяти», — сказал глава района "
             "Сергей Ковалёв. По его словам, в следующем году планируется обновить и "
             "саму набережную: заменить покрытие и установить новые скамейки."),
            ("Довольны не все. Некоторые владельцы гаражей у реки жалуются, что во "
             "время стройки подъезд к ним был закрыт несколько месяцев. В "
             "администрации обещают рассмотреть их обращения."),
            ("Вечером на мосту включили праздничную подсветку, а на набережной "
             "выступили местные музыкальные коллективы."),
        ],
        sub=(2, "Что дальше"),
        author="Анна Смирнова",
        date="2024-09-07T13:40:00+03:00", date_text="7 сентября 2024",
        category="Город",
        related="В городе продлили работу летних автобусных маршрутов",
        tags=["мост", "набережная", "благоустройство"],
    ),
    "hondana": dict(
        lang="ja",
        title="空き店舗を活用した「まちの本棚」が駅前商店街にオープン",
        lede=("駅前商店街の空き店舗を改装した交流スペース「まちの本棚」が1日、"
              "オープンした。住民が持ち寄った本を自由に読んだり借りたりできる。"),
        paras=[
            ("スペースは、もとは文具店だった約60平方メートルの店舗を利用している。"
             "商店街の振興組合と地元の大学生が半年かけて準備を進め、壁一面に設置した"
             "本棚には寄贈された約2,000冊の本が並ぶ。"),
            ("初日は朝から親子連れや高齢者が訪れ、絵本を読んだり、店内のベンチで"
             "談笑したりする姿が見られた。近くに住む70代の女性は「買い物のついでに"
             "立ち寄れる場所ができてうれしい。孫と一緒にまた来たい」と話していた。"),
            ("商店街ではこの10年で店舗の数が約3割減り、シャッターを下ろしたままの店が"
             "目立っていた。振興組合の田中浩二理事長は「人が集まる場所をつくれば、"
             "周りの店にも足を運んでもらえる」と期待を込める。"),
            ("運営はボランティアが担い、開館時間は火曜日から日曜日の午前10時から"
             "午後6時まで。今後は読み聞かせ会や古本市などのイベントも予定している"
             "という。"),
        ],
        sub=(2, "空き店舗対策の一環として"),
        author="佐藤美咲",
        date="2024-07-01T17:00:00+09:00", date_text="2024年7月1日",
        category="地域",
        related="市バスの新路線、来月から運行開始へ",
        tags=["商店街", "図書", "まちづくり"],
    ),
    # ---- articles used only in articles.jsonl ----
    "ferry": dict(
        lang="en",
        title="Island ferry returns to full timetable after storm repairs",
        lede=("The ferry link between Kestrel Quay and Hollin Island is back to its "
              "full winter timetable after six weeks of reduced crossings caused by "
              "storm damage to the island's landing stage."),
        paras=[
            ("Engineers replaced two damaged support piles and a section of the ramp "
             "that was torn loose during the January gales. The work took longer than "
             "planned because divers could only operate during a narrow window at low "
             "tide."),
            ("During the repairs the operator ran a single passenger-only boat three "
             "times a day. Vehicles had to wait for a weekly freight crossing, which "
             "left many island businesses short of supplies. “We ran out of flour "
             "twice,” said café owner Rhys Pemberton. “Nobody here will take the "
             "ferry for granted again.”"),
            ("Island residents have asked the county to keep a spare landing pontoon "
             "in reserve so that a similar failure does not cut them off for weeks. "
             "The county said it would look at the cost as part of its budget review "
             "in the spring."),
            ("Crossings now run every ninety minutes from 6.30am, with the last "
             "return sailing at 8pm."),
        ],
        sub=(2, "Calls for a backup plan"),
        author="Daniel Achebe",
        category="Transport",
        related="Coastal path reopens after cliff-fall survey",
    ),
    "lido": dict(
        lang="en",
        title="Volunteers restore 1930s lido ahead of summer reopening",
        lede=("A group of more than 200 volunteers has spent the winter scraping, "
              "painting and re-tiling the Art Deco lido in Ashgrove Park, which is due "
              "to reopen to swimmers on 1 June after eleven years out of use."),
        paras=[
            ("The open-air pool closed in 2013 when the council said it could no "
             "longer afford repairs. A campaign group formed the following year and "
             "eventually took over the site on a 25-year lease, raising almost "
             "£900,000 from grants, local firms and a long series of cake sales."),
            ("“People thought we were mad,” said the chair of the trust, Priya Raman. "
             "“The tank was full of leaves and shopping trolleys. Now you can see the "
             "blue tiles again.”"),
            ("A new heat pump will keep the water at around 24 degrees, extending the "
             "season into September. Adult tickets will cost £4, with free entry for "
             "under-fives and reduced prices on weekday mornings."),
            ("The trust still needs lifeguards and is offering to pay for training "
             "for anyone willing to commit to two shifts a week."),
        ],
        sub=(2, "Heated water, cheaper tickets"),
        author="Sophie Lang",
        category="Community",
        related="Park café plans approved despite objections",
    ),
    "fourday": dict(
        lang="en",
        title="School district to trial four-day week for older pupils",
        lede=("Secondary schools in the Redfern district will move to a four-day "
              "timetable for pupils aged 14 to 18 from September, in a one-year trial "
              "that officials say could help them hold on to teachers."),
        paras=[
            ("Under the plan, lessons will run slightly longer from Monday to "
             "Thursday. Fridays will be set aside for independent study, sports, work "
             "placements and catch-up sessions for pupils who need extra help. "
             "Younger pupils will keep a five-day week."),
            ("The district has struggled to fill vacancies in maths and science, and "
             "a survey of staff last year found that workload was the main reason "
             "teachers gave for leaving. “We are not pretending this is a magic "
             "answer,” said superintendent Karen Holloway. “But we have to try "
             "something different.”"),
            ("Some parents welcomed the change, saying older pupils are ready for more "
             "independence. Others worry about supervision on Fridays and the effect "
             "on families who cannot work from home. The district says school "
             "buildings and libraries will stay open on Fridays for any pupil who "
             "wants to attend."),
            ("Researchers from the state university will follow the trial and publish "
             "results next summer, including attendance, exam performance and staff "
             "turnover."),
        ],
        sub=(2, "Parents divided"),
        author="Marcus Bell",
        category="Education",
        related="New bus passes for students approved by transit board",
    ),
    "boulangerie": dict(
        lang="fr",
        title="À Montclar, la boulangerie rouvre grâce à une cagnotte des habitants",
        lede=("Fermée depuis le départ en retraite de son propriétaire il y a deux "
              "ans, l’unique boulangerie du village a rouvert samedi. Les habitants ont "
              "réuni 38 000 euros pour aider un jeune couple à s’installer."),
        paras=[
            ("Dès six heures, la file d’attente s’étirait jusqu’à la place de "
             "l’église. Julien et Sarah Delmas, 29 et 27 ans, ont vendu en une "
             "matinée plus de 400 baguettes et toutes leurs tartes aux pommes. « On "
             "ne s’attendait pas à un tel accueil », sourit Sarah, encore en tablier."),
            ("Le projet est né d’une réunion publique organisée par la mairie à "
             "l’automne. Faute de commerce, les habitants devaient parcourir douze "
             "kilomètres pour acheter du pain. Une association a été créée pour lancer "
             "une collecte en ligne, complétée par une aide de la région."),
            ("La commune a racheté les murs et loue le local à un prix modéré. Le "
             "four, vieux de quarante ans, a été remplacé. Le couple propose aussi un "
             "petit rayon d’épicerie et un dépôt de journaux."),
            ("Pour le maire, Gérard Albouy, l’enjeu dépasse le pain : « Quand un "
             "village perd sa boulangerie, il perd un lieu où les gens se "
             "croisent. »"),
        ],
        sub=(2, "Un commerce au cœur du village"),
        author="Thomas Girard",
        category="Vie locale",
        related="Le marché de producteurs revient chaque jeudi soir",
    ),
    "routes": dict(
        lang="fr",
        title="Le département vote un plan de 45 millions d’euros pour les routes de montagne",
        lede=("Les élus départementaux ont adopté vendredi un programme de travaux sur "
              "cinq ans pour sécuriser les routes les plus exposées aux chutes de "
              "pierres et aux glissements de terrain."),
        paras=[
            ("Une quarantaine de chantiers sont prévus, principalement sur les axes "
             "qui desservent les stations et les hameaux isolés. Filets de "
             "protection, murs de soutènement et reprises de chaussée figurent parmi "
             "les priorités."),
            # The scraper lost a few characters here ("et nousa déclaré"), as
            # scrapers do around inline quote markup.
            ("L’hiver dernier, la route de la vallée de l’Orbe avait été coupée "
             "pendant neuf jours après un éboulement, obligeant les habitants à un "
             "détour de plus d’une heure. « Ce genre de situation ne doit plus se "
             "reproduire. Les maires et nousa déclaré la vice-présidente chargée des "
             "routes, Nathalie Berger, avons établi la liste des points noirs. »"),
            ("L’opposition a voté le texte mais regrette l’absence de calendrier "
             "détaillé commune par commune. Elle réclame également un bilan annuel "
             "présenté en séance publique."),
            ("Les premiers travaux doivent commencer au printemps, avant la saison "
             "touristique."),
        ],
        sub=(2, "L’opposition demande un calendrier précis"),
        author="Léa Moreau",
        byline="Avec notre correspondante dans la vallée, Léa Moreau",
        category="politique",
        related="Neige : les équipements hivernaux obligatoires à partir du 1er novembre",
    ),
    "radwege": dict(
        lang="de",
        title="Neue Radwege am Flussufer sollen Pendler entlasten",
        lede=("Die Stadt will bis 2026 einen durchgehenden Radweg entlang des "
              "Rheinufers bauen. Der Verkehrsausschuss hat die Pläne am Dienstag "
              "einstimmig gebilligt."),
        paras=[
            ("Der neue Weg soll auf rund sechs Kilometern Länge die Stadtteile Nord "
             "und Süd verbinden und dabei die stark befahrene Uferstraße entlasten. "
             "An mehreren Stellen ist eine Trennung von Rad- und Fußverkehr "
             "vorgesehen, um Konflikte mit Spaziergängern zu vermeiden."),
            ("„Wir sehen jeden Morgen, wie viele Menschen mit dem Rad zur Arbeit "
             "fahren wollen, sich aber auf der Straße nicht sicher fühlen“, sagte der "
             "Ausschussvorsitzende Markus Heinrich."),
            ("Einige Anwohner befürchten den Wegfall von Parkplätzen. Nach Angaben der "
             "Verwaltung sollen rund 80 Stellplätze entfallen, ein Teil davon wird in "
             "einer nahe gelegenen Tiefgarage ersetzt."),
            ("Die Kosten werden auf 5,2 Millionen Euro geschätzt. Die Stadt hofft auf "
             "Fördermittel aus einem Landesprogramm für klimafreundliche Mobilität."),
        ],
        sub=(2, "Kritik von Anwohnern"),
        author="Lena Hoffmann",
        category="Verkehr",
        related="Busse fahren ab Montag wieder nach Normalfahrplan",
    ),
    "festival": dict(
        lang="pt",
        title="Festival de música tradicional bate recorde de público",
        lede=("Mais de 25 mil pessoas passaram pelo recinto do festival durante os "
              "três dias de concertos, um número nunca antes alcançado desde a "
              "primeira edição, em 2009."),
        paras=[
            ("Grupos de cantares, tocadores de concertina e bandas filarmónicas de "
             "toda a região encheram o largo da vila desde sexta-feira à tarde. O "
             "ponto alto foi o concerto de encerramento, no domingo à noite, que "
             "juntou em palco quatro gerações de músicos."),
            ("«Quando começámos, éramos meia dúzia de amigos com vontade de manter "
             "viva a música que ouvíamos em casa», recorda Manuel Pereira, um dos "
             "fundadores. «Hoje vemos jovens de quinze anos a aprender instrumentos "
             "que estavam quase esquecidos.»"),
            ("Os restaurantes e alojamentos da vila registaram ocupação máxima durante "
             "o fim de semana. A câmara municipal estima que o festival tenha gerado "
             "cerca de 400 mil euros para o comércio local."),
            ("A organização já anunciou que a próxima edição terá um dia extra, "
             "dedicado a oficinas para crianças e escolas de música."),
        ],
        sub=(2, "Impacto na economia local"),
        author="Inês Carvalho",
        category="Cultura",
        related="Feira do livro regressa ao jardim municipal em junho",
    ),
    "verkeerslichten": dict(
        lang="nl",
        title="Gemeente test slimme verkeerslichten die fietsers voorrang geven",
        lede=("Op drie drukke kruispunten in het centrum krijgen fietsers vanaf "
              "maandag sneller groen licht. Sensoren herkennen groepen fietsers en "
              "passen de wachttijd daarop aan."),
        paras=[
            ("De proef duurt zes maanden. Bij regen en tijdens de spits krijgen "
             "fietsers extra vaak voorrang, omdat ze dan het meest last hebben van "
             "lang wachten. Automobilisten moeten volgens de gemeente rekenen op "
             "hooguit enkele seconden extra wachttijd."),
            ("„We willen fietsen nog aantrekkelijker maken, zonder dat het verkeer "
             "vastloopt”, zegt wethouder Eva de Vries. „Met deze proef kunnen we "
             "precies meten wat het effect is.”"),
            ("De sensoren maken geen beelden, maar registreren alleen warmte en "
             "beweging. Er worden dus geen gegevens opgeslagen die tot personen te "
             "herleiden zijn, benadrukt de gemeente."),
            ("Als de proef slaagt, wil de gemeente het systeem volgend jaar op nog "
             "tien kruispunten invoeren."),
        ],
        sub=(2, "Privacy gewaarborgd"),
        author="Pieter Jansen",
        category="Verkeer",
        related="Nieuwe fietsenstalling bij het station bijna vol",
    ),
}

# Near-duplicate edits: a syndicated copy with a reworded lede.
SYNDICATED_LEDE = {
    "tram": ("Port Ellery councillors have voted 14 to 7 to extend the Line 3 tram "
             "eight kilometres east to Millbrook and the Saltmarsh estates, ending a "
             "two-year row over cost, route and the future of the old goods yard."),
    "fourday": ("Secondary schools in the Redfern district are to switch to a "
                "four-day timetable for pupils aged 14 to 18 from September, in a "
                "one-year pilot that officials hope will help them keep teachers."),
}

LOREM = [
    "Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor "
    "incididunt ut labore et dolore magna aliqua. Ut enim ad minim veniam, quis "
    "nostrud exercitation ullamco laboris nisi ut aliquip ex ea commodo consequat.",
    "Duis aute irure dolor in reprehenderit in voluptate velit esse cillum dolore eu "
    "fugiat nulla pariatur. Excepteur sint occaecat cupidatat non proident, sunt in "
    "culpa qui officia deserunt mollit anim id est laborum.",
    "Sed ut perspiciatis unde omnis iste natus error sit voluptatem accusantium "
    "doloremque laudantium, totam rem aperiam, eaque ipsa quae ab illo inventore "
    "veritatis et quasi architecto beatae vitae dicta sunt explicabo.",
    "Nemo enim ipsam voluptatem quia voluptas sit aspernatur aut odit aut fugit, sed "
    "quia consequuntur magni dolores eos qui ratione voluptatem sequi nesciunt. Neque "
    "porro quisquam est, qui dolorem ipsum quia dolor sit amet.",
    "Ut enim ad minima veniam, quis nostrum exercitationem ullam corporis suscipit "
    "laboriosam, nisi ut aliquid ex ea commodi consequatur.",
]

# --------------------------------------------------------------------------
# Site chrome, per language
# --------------------------------------------------------------------------

UI = {
    "en": dict(
        menu=["Home", "News", "Local", "Business", "Sport", "Culture", "Opinion", "Contact"],
        cookie=("We use cookies to improve your experience and to show you "
                "personalised ads. By continuing to browse you agree to our use of "
                "cookies."),
        accept="Accept", settings="Cookie settings", privacy="Privacy policy",
        by="By", read_also="Read also", share="Share this article",
        recent="Latest news", tags="Tags", rights="All rights reserved.",
        top="Back to top", min_read="{n} min read", search="Search",
        subscribe="Subscribe to our newsletter", email="Email"),
    "fr": dict(
        menu=["Accueil", "Actualités", "Région", "Économie", "Sports", "Culture", "Opinions", "Contact"],
        cookie=("Nous utilisons des cookies pour améliorer votre expérience et vous "
                "proposer des publicités personnalisées. En poursuivant votre "
                "navigation, vous acceptez leur utilisation."),
        accept="Accepter", settings="Paramétrer", privacy="Politique de confidentialité",
        by="Par", read_also="Lire aussi", share="Partager cet article",
        recent="Dernières actualités", tags="Mots-clés", rights="Tous droits réservés.",
        top="Retour en haut", min_read="{n} min de lecture", search="Rechercher",
        subscribe="Abonnez-vous à notre newsletter", email="E-mail"),
    "de": dict(
        menu=["Startseite", "Nachrichten", "Lokales", "Wirtschaft", "Sport", "Kultur", "Meinung", "Kontakt"],
        cookie=("Wir verwenden Cookies, um Ihnen ein optimales Nutzungserlebnis und "
                "personalisierte Werbung zu bieten. Wenn Sie weitersurfen, stimmen Sie "
                "der Verwendung zu."),
        accept="Alle akzeptieren", settings="Einstellungen", privacy="Datenschutzerklärung",
        by="Von", read_also="Lesen Sie auch", share="Artikel teilen",
        recent="Neueste Beiträge", tags="Schlagwörter", rights="Alle Rechte vorbehalten.",
        top="Nach oben", min_read="{n} Min. Lesezeit", search="Suche",
        subscribe="Newsletter abonnieren", email="E-Mail"),
    "es": dict(
        menu=["Inicio", "Actualidad", "Comarca", "Economía", "Deportes", "Cultura", "Opinión", "Contacto"],
        cookie=("Utilizamos cookies propias y de terceros para mejorar nuestros "
                "servicios y mostrarle publicidad relacionada con sus preferencias. Si "
                "continúa navegando, consideramos que acepta su uso."),
        accept="Aceptar", settings="Configurar", privacy="Política de privacidad",
        by="Por", read_also="Lee también", share="Compartir",
        recent="Últimas noticias", tags="Etiquetas", rights="Todos los derechos reservados.",
        top="Volver arriba", min_read="{n} min de lectura", search="Buscar",
        subscribe="Suscríbete al boletín", email="Correo"),
    "it": dict(
        menu=["Home", "Cronaca", "Politica", "Economia", "Sport", "Cultura", "Eventi", "Contatti"],
        cookie=("Questo sito utilizza cookie tecnici e di profilazione, anche di terze "
                "parti. Proseguendo con la navigazione acconsenti al loro utilizzo."),
        accept="Accetta", settings="Personalizza", privacy="Informativa sulla privacy",
        by="Di", read_also="Leggi anche", share="Condividi",
        recent="Ultime notizie", tags="Tag", rights="Tutti i diritti riservati.",
        top="Torna su", min_read="{n} minuti di lettura", search="Cerca",
        subscribe="Iscriviti alla newsletter", email="Email"),
    "ru": dict(
        menu=["Главная", "Новости", "Город", "Экономика", "Спорт", "Культура", "Происшествия", "Контакты"],
        cookie=("Мы используем файлы cookie, чтобы сайт работал лучше. Продолжая "
                "пользоваться сайтом, вы соглашаетесь с этим."),
        accept="Понятно", settings="Настройки", privacy="Политика конфиденциальности",
        by="Автор:", read_also="Читайте также", share="Поделиться",
        recent="Последние новости", tags="Теги", rights="Все права защищены.",
        top="Наверх", min_read="{n} мин. чтения", search="Поиск",
        subscribe="Подписаться на рассылку", email="Почта"),
    "ja": dict(
        menu=["ホーム", "ニュース", "地域", "経済", "スポーツ", "文化", "社説", "お問い合わせ"],
        cookie=("当サイトでは、サービス向上と広告配信のためにクッキーを使用しています。"
                "引き続き閲覧することで、クッキーの使用に同意したものとみなします。"),
        accept="同意する", settings="設定", privacy="プライバシーポリシー",
        by="記者：", read_also="あわせて読みたい", share="この記事をシェア",
        recent="最新ニュース", tags="タグ", rights="All rights reserved.",
        top="ページの先頭へ", min_read="約{n}分で読めます", search="検索",
        subscribe="ニュースレターを購読", email="メール"),
}

HTML_LANG = {"en": "en-GB", "fr": "fr-FR", "de": "de-DE", "es": "es-ES",
             "it": "it-IT", "ru": "ru-RU", "ja": "ja"}


def esc(s):
    return html.escape(s, quote=False)


def attr(s):
    return html.escape(s, quote=True)


def slug(s):
    out = []
    for ch in s.lower():
        if ch.isascii() and ch.isalnum():
            out.append(ch)
        elif out and out[-1] != "-":
            out.append("-")
    return "".join(out).strip("-")[:60].strip("-") or "post"


def reading_minutes(a):
    words = sum(len(p.split()) for p in [a["lede"]] + a["paras"])
    if a["lang"] == "ja":
        words = sum(len(p) for p in [a["lede"]] + a["paras"]) // 2
    return max(2, -(-words // 200))


# --------------------------------------------------------------------------
# HTML pages
# --------------------------------------------------------------------------

def wp_article_page(a, site, url, post_id, lede=None, json_ld=True, blog=False):
    """A WordPress-theme news/blog page around article a."""
    ui = UI[a["lang"]]
    lede = lede or a["lede"]
    base = "https://" + site["host"]
    cat_slug = slug(a["category"]) if a["category"].isascii() else "cat-%d" % (post_id % 7)
    desc = lede if len(lede) < 200 else lede[:197].rsplit(" ", 1)[0] + "…"
    mins = reading_minutes(a)
    rel_url = "%s/%s/%s/" % (base, a["date"][:4], slug(a["related"]) if a["related"].isascii()
                              else "post-%d" % (post_id - 3))
    author_slug = slug(a["author"]) if a["author"].isascii() else "author-%d" % (post_id % 5)
    charset = site.get("charset", "UTF-8")

    h = []
    w = h.append
    w("<!DOCTYPE html>")
    w('<html lang="%s">' % HTML_LANG[a["lang"]])
    w("<head>")
    if site.get("meta_http_equiv"):
        w('<meta http-equiv="Content-Type" content="text/html; charset=%s">' % charset)
    else:
        w('<meta charset="%s">' % charset)
    w('<meta name="viewport" content="width=device-width, initial-scale=1">')
    w("<title>%s &#8211; %s</title>" % (esc(a["title"]), esc(site["name"])))
    w('<meta name="description" content="%s">' % attr(desc))
    w('<meta name="robots" content="index, follow, max-image-preview:large">')
    w('<link rel="canonical" href="%s">' % attr(url))
    if json_ld:
        w('<meta property="og:locale" content="%s">' % HTML_LANG[a["lang"]].replace("-", "_"))
        w('<meta property="og:type" content="article">')
        w('<meta property="og:title" content="%s">' % attr(a["title"]))
        w('<meta property="og:description" content="%s">' % attr(desc))
        w('<meta property="og:url" content="%s">' % attr(url))
        w('<meta property="og:site_name" content="%s">' % attr(site["name"]))
        w('<meta property="og:image" content="%s/wp-content/uploads/%s/%s/featured-%d.jpg">'
          % (base, a["date"][:4], a["date"][5:7], post_id))
        w('<meta property="article:published_time" content="%s">' % a["date"])
        w('<meta property="article:section" content="%s">' % attr(a["category"]))
        w('<meta name="twitter:card" content="summary_large_image">')
    w("<link rel='stylesheet' id='wp-block-library-css' href='%s/wp-includes/css/dist/"
      "block-library/style.min.css?ver=6.4.3' media='all' />" % base)
    w("<link rel='stylesheet' id='%s-style-css' href='%s/wp-content/themes/%s/style.css?ver=2.1.0' "
      "media='all' />" % (site["theme"], base, site["theme"]))
    w('<link rel="alternate" type="application/rss+xml" title="%s &raquo; Feed" href="%s/feed/">'
      % (attr(site["name"]), base))
    if json_ld:
        ld = {
            "@context": "https://schema.org",
            "@type": "BlogPosting" if blog else "NewsArticle",
            "mainEntityOfPage": {"@type": "WebPage", "@id": url},
            "headline": a["title"],
            "description": desc,
            "datePublished": a["date"],
            "dateModified": a["date"],
            "inLanguage": HTML_LANG[a["lang"]],
            "articleSection": a["category"],
            "keywords": ", ".join(a.get("tags", [])),
            "author": {"@type": "Person", "name": a["author"],
                       "url": "%s/author/%s/" % (base, author_slug)},
            "publisher": {"@type": "Organization", "name": site["name"],
                          "logo": {"@type": "ImageObject",
                                   "url": base + "/wp-content/uploads/logo.png"}},
            "image": "%s/wp-content/uploads/%s/%s/featured-%d.jpg"
                     % (base, a["date"][:4], a["date"][5:7], post_id),
        }
        w('<script type="application/ld+json">%s</script>'
          % json.dumps(ld, ensure_ascii=False).replace("</", "<\\/"))
    w("<script>window.dataLayer=window.dataLayer||[];function gtag(){dataLayer.push(arguments);}"
      "gtag('js',new Date());gtag('config','G-EXAMPLE%d');</script>" % post_id)
    w("</head>")
    w('<body class="post-template-default single single-post postid-%d single-format-standard '
      'wp-embed-responsive">' % post_id)
    w('<a class="skip-link screen-reader-text" href="#primary">Skip to content</a>')
    w('<div id="cookie-notice" class="cookie-banner" role="dialog" aria-live="polite">')
    w('  <p>%s <a href="%s/privacy-policy/">%s</a></p>' % (esc(ui["cookie"]), base, esc(ui["privacy"])))
    w('  <button type="button" class="cookie-accept">%s</button> '
      '<button type="button" class="cookie-settings">%s</button>' % (esc(ui["accept"]), esc(ui["settings"])))
    w("</div>")
    w('<div id="page" class="site">')
    w('<header id="masthead" class="site-header">')
    w('  <div class="top-bar"><span class="date">%s</span> '
      '<form role="search" class="search-form" action="%s/"><input type="search" name="s" placeholder="%s"></form></div>'
      % (esc(a["date_text"]), base, attr(ui["search"])))
    w('  <div class="site-branding">')
    w('    <p class="site-title"><a href="%s/" rel="home">%s</a></p>' % (base, esc(site["name"])))
    w('    <p class="site-description">%s</p>' % esc(site["tagline"]))
    w("  </div>")
    w('  <nav id="site-navigation" class="main-navigation" aria-label="Primary">')
    w('    <ul id="primary-menu" class="menu">')
    for i, m in enumerate(ui["menu"]):
        href = base + "/" if i == 0 else "%s/category/%s/" % (base, slug(m) if m.isascii() else "c%d" % i)
        w('      <li class="menu-item menu-item-%d"><a href="%s">%s</a></li>' % (100 + i, href, esc(m)))
    w("    </ul>")
    w("  </nav>")
    w("</header>")
    w('<div id="content" class="site-content">')
    w('<main id="primary" class="site-main">')
    w('<article id="post-%d" class="post-%d post type-post status-publish format-standard '
      'has-post-thumbnail hentry category-%s">' % (post_id, post_id, cat_slug))
    w('<header class="entry-header">')
    w('  <div class="entry-categories"><span class="cat-links"><a href="%s/category/%s/" '
      'rel="category tag">%s</a></span></div>' % (base, cat_slug, esc(a["category"])))
    w('  <h1 class="entry-title">%s</h1>' % esc(a["title"]))
    w('  <div class="entry-meta">')
    w('    <span class="byline">%s <span class="author vcard"><a class="url fn n" href="%s/author/%s/">'
      '%s</a></span></span>' % (esc(ui["by"]), base, author_slug, esc(a["author"])))
    w('    <span class="posted-on"><time class="entry-date published" datetime="%s">%s</time></span>'
      % (a["date"], esc(a["date_text"])))
    w('    <span class="reading-time">%s</span>' % esc(ui["min_read"].format(n=mins)))
    w("  </div>")
    w("</header>")
    w('<figure class="post-thumbnail"><img src="%s/wp-content/uploads/%s/%s/featured-%d.jpg" '
      'alt="" width="1200" height="675" loading="eager"></figure>' % (base, a["date"][:4], a["date"][5:7], post_id))
    w('<div class="entry-content">')
    w('<p class="lede"><strong>%s</strong></p>' % esc(lede))
    sub_i, sub_text = a["sub"]
    for i, p in enumerate(a["paras"]):
        if i == sub_i:
            w('<h2 class="wp-block-heading">%s</h2>' % esc(sub_text))
        w("<p>%s</p>" % esc(p))
        if i == len(a["paras"]) - 2:
            w('<p class="related-link"><strong>%s&nbsp;:</strong> <a href="%s">%s</a></p>'
              % (esc(ui["read_also"]), rel_url, esc(a["related"]))
              if a["lang"] == "fr" else
              '<p class="related-link"><strong>%s:</strong> <a href="%s">%s</a></p>'
              % (esc(ui["read_also"]), rel_url, esc(a["related"])))
        if i == 1:
            w('<div class="ad-slot ad-inarticle" data-slot="inarticle-1"><ins class="adsbygoogle" '
              'style="display:block" data-ad-format="fluid"></ins></div>')
    w("</div>")
    w('<footer class="entry-footer">')
    tags = a.get("tags", [])
    if tags:
        w('  <span class="tags-links">%s: %s</span>' % (esc(ui["tags"]), ", ".join(
            '<a href="%s/tag/%s/" rel="tag">%s</a>' % (base, slug(t) if t.isascii() else "t%d" % k, esc(t))
            for k, t in enumerate(tags))))
    q = attr(url)
    w('  <div class="share-buttons"><span class="share-label">%s</span>' % esc(ui["share"]))
    w('    <a class="share-facebook" href="https://www.facebook.com/sharer/sharer.php?u=%s" '
      'rel="nofollow noopener" target="_blank">Facebook</a>' % q)
    w('    <a class="share-x" href="https://twitter.com/intent/tweet?url=%s" '
      'rel="nofollow noopener" target="_blank">X</a>' % q)
    w('    <a class="share-whatsapp" href="https://api.whatsapp.com/send?text=%s" '
      'rel="nofollow noopener" target="_blank">WhatsApp</a>' % q)
    w('    <a class="share-email" href="mailto:?subject=%s&amp;body=%s">%s</a>'
      % (attr(a["title"]), q, esc(ui["email"])))
    w("  </div>")
    w("</footer>")
    w("</article>")
    w('<nav class="navigation post-navigation" aria-label="Posts"><div class="nav-links">'
      '<div class="nav-previous"><a href="%s" rel="prev">&larr; %s</a></div></div></nav>'
      % (rel_url, esc(a["related"])))
    w("</main>")
    w('<aside id="secondary" class="widget-area">')
    w('  <section class="widget widget_recent_entries"><h2 class="widget-title">%s</h2><ul>'
      % esc(ui["recent"]))
    for t in site["recent"]:
        w('    <li><a href="%s/%s/">%s</a></li>' % (base, slug(t) if t.isascii() else "p%d" % (len(t) % 97), esc(t)))
    w("  </ul></section>")
    w('  <section class="widget widget_newsletter"><h2 class="widget-title">%s</h2>'
      '<form><input type="email" name="email"><button>OK</button></form></section>' % esc(ui["subscribe"]))
    w("</aside>")
    w("</div>")
    w('<footer id="colophon" class="site-footer">')
    w('  <nav class="footer-navigation"><ul><li><a href="%s/about/">%s</a></li><li><a href="%s/privacy-policy/">'
      '%s</a></li><li><a href="%s/contact/">%s</a></li></ul></nav>'
      % (base, esc(site["about"]), base, esc(ui["privacy"]), base, esc(ui["menu"][-1])))
    w('  <div class="site-info">&copy; %s %s. %s</div>' % (a["date"][:4], esc(site["name"]), esc(ui["rights"])))
    w('  <a href="#page" id="back-to-top" class="back-to-top">%s</a>' % esc(ui["top"]))
    w("</footer>")
    w("</div>")
    w("<script src='%s/wp-content/themes/%s/js/main.js?ver=2.1.0' id='%s-main-js'></script>"
      % (base, site["theme"], site["theme"]))
    w("</body>")
    w("</html>")
    return "\n".join(h) + "\n"


def syndicated_page(a, site, url, original_site, original_url):
    """The same story republished by an aggregator with its own (non-WordPress) template."""
    lede = SYNDICATED_LEDE[a["slug"]]
    base = "https://" + site["host"]
    sub_i, sub_text = a["sub"]
    h = []
    w = h.append
    w("<!doctype html>")
    w('<html lang="en">')
    w("<head>")
    w('<meta http-equiv="X-UA-Compatible" content="IE=edge">')
    w('<meta charset="utf-8">')
    w("<title>%s | %s</title>" % (esc(a["title"]), esc(site["name"])))
    w('<meta name="description" content="%s">' % attr(lede))
    w('<meta property="og:type" content="article">')
    w('<meta property="og:title" content="%s">' % attr(a["title"]))
    w('<meta property="og:url" content="%s">' % attr(url))
    w('<meta property="og:site_name" content="%s">' % attr(site["name"]))
    w('<link rel="canonical" href="%s">' % attr(original_url))
    w('<link rel="stylesheet" href="/static/css/app.3f9c2a.css">')
    w('<script type="application/ld+json">%s</script>' % json.dumps({
        "@context": "https://schema.org", "@type": "NewsArticle", "headline": a["title"],
        "datePublished": "2024-03-12T10:02:00Z", "author": [{"@type": "Person", "name": a["author"]}],
        "isBasedOn": original_url,
        "publisher": {"@type": "Organization", "name": site["name"]}}, ensure_ascii=False))
    w("</head>")
    w('<body class="layout-story theme-dark-nav">')
    w('<div class="consent-overlay" id="gdpr"><div class="consent-box"><h3>Your privacy</h3>'
      "<p>We and our partners store and access information on your device, such as cookies, "
      "to measure audiences and serve relevant advertising.</p>"
      '<button class="btn btn-primary" data-consent="all">I agree</button> '
      '<button class="btn btn-link" data-consent="manage">Manage options</button></div></div>')
    w('<div class="topnav"><div class="container">')
    w('  <a class="brand" href="/"><img src="/static/img/logo.svg" alt="%s"></a>' % attr(site["name"]))
    w('  <ul class="nav">' + "".join('<li><a href="/section/%s">%s</a></li>' % (slug(x), x)
                                     for x in ["World", "US", "Politics", "Business", "Tech", "Sports", "Weather"]) + "</ul>")
    w('  <a class="btn-subscribe" href="/subscribe">Subscribe</a> <a class="login" href="/login">Sign in</a>')
    w("</div></div>")
    w('<div class="ad-leaderboard">Advertisement</div>')
    w('<div class="container story-wrap">')
    w('<div class="breadcrumbs"><a href="/">Home</a> &rsaquo; <a href="/section/local">Local</a> &rsaquo; '
      '<span>Transport</span></div>')
    w('<div class="story-head">')
    w('  <div class="kicker">TRANSPORT</div>')
    w('  <h1 class="headline">%s</h1>' % esc(a["title"]))
    w('  <div class="story-meta"><span class="author">By %s, %s</span> &middot; '
      '<time datetime="2024-03-12T10:02:00Z">March 12, 2024 10:02 AM</time> &middot; '
      '<span class="updated">Updated 2 hours ago</span></div>' % (esc(a["author"]), esc(original_site["name"])))
    w("</div>")
    w('<div class="story-share"><a href="#" data-net="fb">Share</a> <a href="#" data-net="x">Post</a> '
      '<a href="#" data-net="copy">Copy link</a> <a href="#comments">Comments (12)</a></div>')
    w('<div class="story-body">')
    w("  <p>%s</p>" % esc(lede))
    for i, p in enumerate(a["paras"][:-1]):   # the aggregator dropped the last paragraph
        if i == sub_i:
            w("  <h2>%s</h2>" % esc(sub_text))
        w("  <p>%s</p>" % esc(p))
        if i == 2:
            w('  <div class="inline-ad">Advertisement</div>')
    w('  <p class="syndication-note"><em>This story was originally published by '
      '<a href="%s">%s</a> and is republished here under a content-sharing agreement.</em></p>'
      % (attr(original_url), esc(original_site["name"])))
    w("</div>")
    w('<div class="more-stories"><h3>More from Daily Ledger</h3><ul>'
      '<li><a href="/news/storm-warning-coast">Storm warning issued for the coast this weekend</a></li>'
      '<li><a href="/news/hospital-parking-fees">Hospital parking fees to rise in April</a></li>'
      '<li><a href="/news/marathon-road-closures">Marathon road closures: what you need to know</a></li></ul></div>')
    w('<div id="comments" class="comments-cta">Join the conversation &ndash; sign in to comment.</div>')
    w("</div>")
    w('<div class="site-footer"><div class="container">')
    w('  <p><a href="/about">About us</a> | <a href="/terms">Terms of use</a> | <a href="/privacy">Privacy</a> | '
      '<a href="/advertise">Advertise</a></p>')
    w("  <p>Copyright &copy; 2024 %s. All rights reserved. This material may not be published, broadcast, "
      "rewritten or redistributed.</p>" % esc(site["name"]))
    w('  <p><a href="#top" class="to-top">Back to top &uarr;</a></p>')
    w("</div></div>")
    w('<script src="/static/js/app.3f9c2a.js" defer></script>')
    w("</body>")
    w("</html>")
    return "\n".join(h) + "\n"


def spam_page(url):
    keywords = ["casino bonus", "free spins no deposit", "best online casino", "slots real money",
                "casino bonus codes", "no deposit bonus 2024", "free spins", "live casino",
                "jackpot slots", "fast withdrawal casino", "crypto casino", "casino reviews",
                "bonus without deposit", "mobile casino", "roulette online", "blackjack bonus",
                "welcome bonus", "high roller bonus", "new casinos 2024", "top casino sites"]
    h = ["<!DOCTYPE html>", "<html>", "<head>", '<meta charset="UTF-8">',
         "<title>Best Casino Bonus 2024 - Free Spins No Deposit - Top Casino Bonus List</title>",
         '<meta name="keywords" content="%s">' % attr(", ".join(keywords)),
         '<meta name="description" content="casino bonus free spins no deposit best casino bonus 2024">',
         "</head>", "<body>",
         "<h1>Best Casino Bonus 2024 Free Spins</h1>",
         "<p>Top casino bonus list. Updated daily! Click now!!!</p>", "<ul>"]
    for i, k in enumerate(keywords):
        h.append('<li><a href="https://%s-%d.example/?ref=cbl24">%s</a></li>' % (slug(k), i + 1, esc(k.upper() if i % 3 == 0 else k)))
    h += ["</ul>", "<p>casino bonus casino bonus free spins free spins no deposit bonus</p>",
          '<div style="display:none">' + " ".join(keywords * 2) + "</div>",
          '<p><a href="/sitemap.xml">sitemap</a> | <a href="/page/2/">next</a></p>',
          "</body>", "</html>"]
    return "\n".join(h) + "\n"


def lorem_page(url):
    base = "https://" + url.split("/")[2]
    h = ["<!DOCTYPE html>", '<html lang="en-US">', "<head>", '<meta charset="UTF-8">',
         '<meta name="viewport" content="width=device-width, initial-scale=1">',
         "<title>Sample Page &#8211; My Blog</title>",
         '<meta name="generator" content="WordPress 6.4.3">',
         "<link rel='stylesheet' id='twentytwentyfour-style-css' href='%s/wp-content/themes/"
         "starter/style.css?ver=1.0' media='all' />" % base,
         "</head>", '<body class="page-template-default page page-id-2">',
         '<header class="wp-block-template-part"><p class="wp-block-site-title"><a href="%s">My Blog</a></p>'
         '<p class="wp-block-site-tagline">Just another WordPress site</p>'
         '<nav><ul><li><a href="%s/">Home</a></li><li><a href="%s/sample-page/">Sample Page</a></li>'
         '<li><a href="%s/blog/">Blog</a></li></ul></nav></header>' % (base, base, base, base),
         '<main class="wp-block-group">', '<article class="page type-page status-publish">',
         '<h1 class="wp-block-post-title">Sample Page</h1>', '<div class="entry-content">']
    for i, p in enumerate(LOREM):
        if i == 2:
            h.append('<h2 class="wp-block-heading">Lorem ipsum dolor</h2>')
        h.append("<p>%s</p>" % p)
    h += ['<ul><li>Lorem ipsum</li><li>Dolor sit amet</li><li>Consectetur adipiscing</li></ul>',
          "</div>", "</article>", "</main>",
          '<footer class="wp-block-template-part"><p>Designed with <a href="https://wordpress.org">'
          "WordPress</a></p></footer>", "</body>", "</html>"]
    return "\n".join(h) + "\n"


SITES = {
    "harbourline": dict(name="Harbourline Gazette", host="www.harbourline-gazette.example",
                        tagline="News for Port Ellery and the Saltmarsh coast", theme="newsline",
                        about="About us", server="nginx/1.24.0", ip="192.0.2.10",
                        recent=["Bus fares frozen for a third year as ridership recovers",
                                "Harbour wall repairs to start in May",
                                "Saltmarsh primary school rated good by inspectors",
                                "Late goal sends Port Ellery Rovers into the cup semi-final"]),
    "ledger": dict(name="Daily Ledger Network", host="dailyledger.example", server="cloudflare",
                   ip="192.0.2.20"),
    "windowsill": dict(name="The Windowsill Plot", host="windowsillplot.example",
                       tagline="Growing food in small spaces, one pot at a time", theme="gardenia",
                       about="About Tom", server="Apache", ip="192.0.2.30",
                       recent=["How I built a self-watering box from two storage crates",
                               "Chillies on a north-facing sill: an honest review",
                               "Five herbs that survived my holiday"]),
    "plateau": dict(name="La Gazette du Plateau", host="www.gazette-du-plateau.example",
                    tagline="L’actualité du plateau et des vallées", theme="newsora",
                    about="Qui sommes-nous ?", server="nginx", ip="192.0.2.40",
                    recent=["Sécheresse : le préfet restreint l’irrigation dans douze communes",
                            "Le marché de producteurs revient chaque jeudi soir",
                            "Rugby : le XV du plateau s’impose à domicile"]),
    "rheinufer": dict(name="Rheinufer Nachrichten", host="www.rheinufer-nachrichten.example",
                      tagline="Nachrichten aus der Stadt und der Region", theme="zeitung",
                      about="Impressum", server="Apache/2.4.57 (Debian)", ip="192.0.2.50",
                      recent=["Stadtrat beschließt neues Konzept für die Innenstadt",
                              "Busse fahren ab Montag wieder nach Normalfahrplan",
                              "Weinfest lockt Tausende ans Ufer"]),
    "faro": dict(name="El Faro del Sur", host="elfarodelsur.example",
                 tagline="Noticias de la comarca", theme="periodico",
                 about="Quiénes somos", server="LiteSpeed", ip="192.0.2.60",
                 recent=["El precio del aceite de oliva vuelve a subir en origen",
                         "La feria de ganado regresa en mayo",
                         "Nuevo centro de salud para tres municipios"]),
    "colli": dict(name="Il Corriere dei Colli", host="www.corrieredeicolli.example",
                  tagline="Notizie dal territorio", theme="giornale",
                  about="Chi siamo", server="nginx", ip="192.0.2.70",
                  recent=["Parcheggi in centro, arrivano le nuove tariffe",
                          "Sagra della castagna, il programma completo",
                          "Lavori sulla provinciale, senso unico alternato"]),
    "zarechye": dict(name="Вести Заречья", host="vesti-zarechya.example",
                     tagline="Новости района и города", theme="gazeta",
                     about="О редакции", server="nginx", ip="192.0.2.80",
                     charset="windows-1251", meta_http_equiv=True,
                     recent=["В городе продлили работу летних автобусных маршрутов",
                             "На улице Садовой начался ремонт дороги",
                             "Школьники района победили на областной олимпиаде"]),
    "minato": dict(name="みなと日報", host="www.minato-nippo.example",
                   tagline="港町の暮らしとニュース", theme="shimbun",
                   about="会社概要", server="Apache", ip="192.0.2.90", charset="Shift_JIS",
                   recent=["市バスの新路線、来月から運行開始へ",
                           "夏祭りの花火大会、今年は二日間開催",
                           "市立病院の外来受付時間を変更"]),
    "spam": dict(host="best-casino-bonus-2024.example", server="nginx", ip="192.0.2.100"),
    "lorem": dict(host="myblog-demo.example", server="Apache", ip="192.0.2.110"),
}

for _k, _a in ARTICLES.items():
    _a["slug"] = _k


def build_pages():
    """Returns [(url, lang, note, http_charset_or_None, body_bytes, site)]."""
    A = ARTICLES
    S = SITES
    pages = []

    def add(url, lang, note, text, site, codec="utf-8", header_charset="UTF-8"):
        pages.append(dict(url=url, lang=lang, note=note, body=text.encode(codec),
                          header_charset=header_charset, site=site))

    tram_url = "https://www.harbourline-gazette.example/2024/03/12/council-approves-eastern-tram-extension/"
    tram_html = wp_article_page(A["tram"], S["harbourline"], tram_url, 4187)
    add(tram_url, "en", "news article", tram_html, S["harbourline"])
    add("https://www.harbourline-gazette.example/?p=4187", "en",
        "exact duplicate of the page above (same bytes, other URL)", tram_html, S["harbourline"])
    add("https://dailyledger.example/news/2024/03/12/port-ellery-tram-extension-approved",
        "en", "near-duplicate: syndicated copy of the tram article, other template, edited lede",
        syndicated_page(A["tram"], S["ledger"],
                        "https://dailyledger.example/news/2024/03/12/port-ellery-tram-extension-approved",
                        S["harbourline"], tram_url), S["ledger"], header_charset="utf-8")
    u = "https://windowsillplot.example/2024/06/02/three-summers-of-balcony-tomatoes/"
    add(u, "en", "blog post", wp_article_page(A["tomatoes"], S["windowsill"], u, 312, blog=True),
        S["windowsill"])
    u = "https://www.gazette-du-plateau.example/2024/08/26/les-vendanges-demarrent-avec-deux-semaines-d-avance/"
    add(u, "fr", "news article", wp_article_page(A["vendanges"], S["plateau"], u, 20931), S["plateau"])
    u = "https://www.rheinufer-nachrichten.example/lokales/stadtbibliothek-oeffnet-nach-sanierung/"
    add(u, "de", "news article", wp_article_page(A["bibliothek"], S["rheinufer"], u, 7712), S["rheinufer"])
    u = "https://elfarodelsur.example/2024/02/27/embalses-comarca-31-por-ciento/"
    add(u, "es", "news article", wp_article_page(A["embalses"], S["faro"], u, 15520), S["faro"])
    u = "https://www.corrieredeicolli.example/cronaca/mercato-coperto-riapre/"
    add(u, "it", "news article, no JSON-LD/OpenGraph",
        wp_article_page(A["mercato"], S["colli"], u, 9045, json_ld=False), S["colli"])
    u = "https://vesti-zarechya.example/news/2024/09/07/novyj-peshehodnyj-most/"
    add(u, "ru", "news article in windows-1251, declared only by <meta http-equiv> (no charset in HTTP)",
        wp_article_page(A["most"], S["zarechye"], u, 5518), S["zarechye"],
        codec="cp1251", header_charset=None)
    u = "https://www.minato-nippo.example/local/20240701-machi-no-hondana.html"
    add(u, "ja", "news article in Shift_JIS (HTTP header and <meta charset>)",
        wp_article_page(A["hondana"], S["minato"], u, 880), S["minato"],
        codec="shift_jis", header_charset="Shift_JIS")
    u = "https://best-casino-bonus-2024.example/"
    add(u, "en", "thin spam page: keyword list of links", spam_page(u), S["spam"])
    u = "https://myblog-demo.example/sample-page/"
    add(u, "la", "lorem ipsum filler (theme demo page)", lorem_page(u), S["lorem"])
    return pages


# --------------------------------------------------------------------------
# WARC writing
# --------------------------------------------------------------------------

CRAWL_START = dt.datetime(2024, 10, 3, 9, 0, 0, tzinfo=dt.timezone.utc)
UA = "tamis-examples/1.0 (+https://tamis.example/crawler)"


def b32sha1(data):
    return "sha1:" + base64.b32encode(hashlib.sha1(data).digest()).decode("ascii")


def rec_id(kind, url):
    return "<urn:uuid:%s>" % uuid.uuid5(uuid.NAMESPACE_URL, "tamis-examples/%s/%s" % (kind, url))


def warc_record(headers, block):
    head = ["WARC/1.1"]
    for k, v in headers:
        head.append("%s: %s" % (k, v))
    head.append("Content-Length: %d" % len(block))
    return ("\r\n".join(head) + "\r\n\r\n").encode("utf-8") + block + b"\r\n\r\n"


def gz(data):
    return gzip.compress(data, compresslevel=9, mtime=0)


def http_date(t):
    return t.strftime("%a, %d %b %Y %H:%M:%S GMT")


def warc_date(t):
    return t.strftime("%Y-%m-%dT%H:%M:%SZ")


def build_warc(pages, filename):
    out = []
    info_id = rec_id("warcinfo", filename)
    fields = ("software: tamis scripts/make_examples.py\r\n"
              "format: WARC File Format 1.1\r\n"
              "conformsTo: https://iipc.github.io/warc-specifications/specifications/warc-format/warc-1.1/\r\n"
              "isPartOf: tamis-examples\r\n"
              "description: Example pages written for tamis (fictional sites, CC0 1.0)\r\n"
              "robots: classic\r\n"
              "http-header-user-agent: %s\r\n" % UA).encode("utf-8")
    out.append(gz(warc_record([
        ("WARC-Type", "warcinfo"),
        ("WARC-Date", warc_date(CRAWL_START)),
        ("WARC-Filename", filename),
        ("WARC-Record-ID", info_id),
        ("Content-Type", "application/warc-fields"),
    ], fields)))
    for i, p in enumerate(pages):
        t = CRAWL_START + dt.timedelta(seconds=41 * (i + 1))
        url = p["url"]
        host = url.split("/")[2]
        path = "/" + url.split("/", 3)[3] if url.count("/") >= 3 else "/"
        req_id, resp_id = rec_id("request", url), rec_id("response", url)
        req = ("GET %s HTTP/1.1\r\nHost: %s\r\nUser-Agent: %s\r\n"
               "Accept: text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8\r\n"
               "Accept-Language: en-US,en;q=0.5\r\nAccept-Encoding: identity\r\n"
               "Connection: close\r\n\r\n" % (path, host, UA)).encode("ascii")
        out.append(gz(warc_record([
            ("WARC-Type", "request"),
            ("WARC-Date", warc_date(t)),
            ("WARC-Record-ID", req_id),
            ("WARC-Concurrent-To", resp_id),
            ("WARC-Warcinfo-ID", info_id),
            ("WARC-IP-Address", p["site"]["ip"]),
            ("WARC-Target-URI", url),
            ("WARC-Block-Digest", b32sha1(req)),
            ("Content-Type", "application/http; msgtype=request"),
        ], req)))
        body = p["body"]
        ctype = "text/html" + ("; charset=%s" % p["header_charset"] if p["header_charset"] else "")
        hdr = ["HTTP/1.1 200 OK",
               "Date: %s" % http_date(t),
               "Server: %s" % p["site"]["server"],
               "Content-Type: %s" % ctype,
               "Content-Length: %d" % len(body)]
        if "theme" in p["site"] or p["site"] is SITES["lorem"]:
            hdr += ["X-Powered-By: PHP/8.2.18",
                    'Link: <https://%s/wp-json/>; rel="https://api.w.org/"' % host]
        hdr += ["Vary: Accept-Encoding, Cookie",
                "Cache-Control: max-age=300, must-revalidate",
                "Set-Cookie: visitor_id=%s; Path=/; Max-Age=31536000; SameSite=Lax"
                % hashlib.md5(url.encode()).hexdigest()[:16],
                "Connection: close"]
        block = ("\r\n".join(hdr) + "\r\n\r\n").encode("ascii") + body
        out.append(gz(warc_record([
            ("WARC-Type", "response"),
            ("WARC-Date", warc_date(t)),
            ("WARC-Record-ID", resp_id),
            ("WARC-Warcinfo-ID", info_id),
            ("WARC-Concurrent-To", req_id),
            ("WARC-IP-Address", p["site"]["ip"]),
            ("WARC-Target-URI", url),
            ("WARC-Payload-Digest", b32sha1(body)),
            ("WARC-Block-Digest", b32sha1(block)),
            ("WARC-Identified-Payload-Type", "text/html"),
            ("Content-Type", "application/http; msgtype=response"),
        ], block)))
    return b"".join(out)


# --------------------------------------------------------------------------
# Scraped-text documents (dolma layout)
# --------------------------------------------------------------------------

# Template lines per fictional site, in the style of a WordPress news theme as
# a scraper flattens it. Several documents share one site, so the same lines
# repeat across the corpus.
TEXT_SITES = {
    "plateau": dict(
        host="www.gazette-du-plateau.example", name="La Gazette du Plateau",
        licence=("Newsora Theme License is not activated. Please enter your purchase code "
                 "in Appearance > Theme Options to unlock updates and support for this domain."),
        ads=True, published="Publié le :", minutes="{n} minutes", by="Par {a}",
        related="Lire aussi", top="Back to top button"),
    "metro": dict(
        host="metropulsedaily.example", name="Metro Pulse Daily",
        licence=("Your Newsora license key is missing or invalid. Activate it from the theme "
                 "dashboard to receive updates, one license per site."),
        ads=True, published="Published on:", minutes="{n} minutes", by="By {a}",
        related="Read also", top="Back to top button"),
    "valley": dict(
        host="valleycourier.example", name="Valley Courier Online",
        licence=None, ads=False, published="Posted on", minutes="{n} min read", by="Written by {a}",
        related="Related Articles", top="Scroll to top",
        extra_tail=["Share this:", "Facebook", "X", "Email", "Like this:", "Loading..."]),
    "rheinufer": dict(
        host="www.rheinufer-nachrichten.example", name="Rheinufer Nachrichten",
        licence=("Zeitung Pro: Lizenz nicht aktiviert. Bitte geben Sie Ihren Lizenzschlüssel in "
                 "den Theme-Einstellungen ein."),
        ads=True, published="Veröffentlicht am:", minutes="{n} Minuten", by="Von {a}",
        related="Lesen Sie auch", top="Back to top button"),
    "faro": dict(
        host="elfarodelsur.example", name="El Faro del Sur", licence=None, ads=True,
        published="Publicado el:", minutes="{n} minutos", by="Por {a}",
        related="Lee también", top="Volver arriba"),
    "colli": dict(
        host="www.corrieredeicolli.example", name="Il Corriere dei Colli",
        licence=("Newsora Theme License is not activated. Please enter your purchase code "
                 "in Appearance > Theme Options to unlock updates and support for this domain."),
        ads=True, published="Pubblicato il:", minutes="{n} minuti", by="Di {a}",
        related="Leggi anche", top="Back to top button"),
    "ribeira": dict(
        host="jornaldaribeira.example", name="Jornal da Ribeira", licence=None, ads=True,
        published="Publicado em:", minutes="{n} minutos", by="Por {a}",
        related="Leia também", top="Voltar ao topo"),
    "rivierblad": dict(
        host="hetrivierblad.example", name="Het Rivierblad", licence=None, ads=True,
        published="Gepubliceerd op:", minutes="{n} minuten", by="Door {a}",
        related="Lees ook", top="Terug naar boven"),
    "zarechye": dict(
        host="vesti-zarechya.example", name="Вести Заречья", licence=None, ads=True,
        published="Опубликовано:", minutes="{n} минуты", by="Автор: {a}",
        related="Читайте также", top="Наверх"),
    "minato": dict(
        host="www.minato-nippo.example", name="みなと日報", licence=None, ads=True,
        published="公開日：", minutes="{n}分", by="記者：{a}",
        related="あわせて読みたい", top="ページの先頭へ"),
}


def scraped_text(a, ts, lede=None, edit=None):
    """Flatten article a the way a scraper keeps a WordPress page: one line per
    block, blank lines between, template lines kept, related link glued."""
    lede = lede or a["lede"]
    paras = list(a["paras"])
    if edit:
        i, old, new = edit
        assert old in paras[i]
        paras[i] = paras[i].replace(old, new)
    blocks = []
    first = a["category"]
    if ts["licence"]:
        first = ts["licence"] + "\n" + first
    blocks.append(first)
    blocks.append(a["title"])
    if ts["ads"]:
        blocks.append("[ad_1]")
    blocks.append(lede)
    blocks.append(ts["published"])
    blocks.append(ts["minutes"].format(n=reading_minutes(a)))
    blocks.append(a.get("byline") or ts["by"].format(a=a["author"]))
    sub_i, sub_text = a["sub"]
    for i, p in enumerate(paras):
        if i == sub_i:
            blocks.append(sub_text)
        blocks.append(p)
    blocks.append(ts["related"] + a["related"])
    if ts["ads"]:
        blocks.append("[ad_2]")
    blocks.extend(ts.get("extra_tail", []))
    blocks.append(ts["name"])
    blocks.append(ts["top"])
    return "\n\n".join(blocks) + "\n"


def boilerplate_only_text(ts, category):
    """A page whose article body the scraper did not get: only template lines."""
    blocks = [(ts["licence"] + "\n" if ts["licence"] else "") + category, "[ad_1]",
              ts["published"], "[ad_2]", ts["name"], ts["top"]]
    return "\n\n".join(blocks) + "\n"


def build_docs():
    A, T = ARTICLES, TEXT_SITES
    docs = []

    def add(site, path, text, note):
        url = "https://%s/%s" % (T[site]["host"], path)
        docs.append(dict(id=hashlib.sha1(url.encode("utf-8")).hexdigest()[:16],
                         text=text, source="tamis-examples",
                         metadata=dict(url=url), _note=note))

    add("plateau", "2024/08/26/les-vendanges-demarrent-avec-deux-semaines-d-avance/",
        scraped_text(A["vendanges"], T["plateau"]), "fr")
    add("plateau", "2024/09/14/montclar-la-boulangerie-rouvre/",
        scraped_text(A["boulangerie"], T["plateau"]), "fr")
    add("plateau", "2024/10/04/routes-de-montagne-plan-45-millions/",
        scraped_text(A["routes"], T["plateau"]), "fr (dateline byline, damaged quote)")
    add("plateau", "2024/10/05/agenda-du-week-end/",
        boilerplate_only_text(T["plateau"], "agenda"), "fr, boilerplate only")
    add("metro", "2024/01/29/island-ferry-full-timetable/",
        scraped_text(A["ferry"], T["metro"]), "en")
    add("metro", "2024/04/11/volunteers-restore-ashgrove-lido/",
        scraped_text(A["lido"], T["metro"]), "en")
    add("metro", "2024/05/06/redfern-four-day-week-trial/",
        scraped_text(A["fourday"], T["metro"]), "en")
    add("valley", "news/education/redfern-schools-four-day-week-pilot",
        scraped_text(A["fourday"], T["valley"], lede=SYNDICATED_LEDE["fourday"],
                     edit=(1, "said superintendent Karen Holloway",
                           "district superintendent Karen Holloway said")),
        "en, near-duplicate of the Metro Pulse four-day-week story")
    add("rheinufer", "lokales/stadtbibliothek-oeffnet-nach-sanierung/",
        scraped_text(A["bibliothek"], T["rheinufer"]), "de")
    add("rheinufer", "verkehr/neue-radwege-am-flussufer/",
        scraped_text(A["radwege"], T["rheinufer"]), "de")
    add("faro", "2024/02/27/embalses-comarca-31-por-ciento/",
        scraped_text(A["embalses"], T["faro"]), "es")
    add("colli", "cronaca/mercato-coperto-riapre/",
        scraped_text(A["mercato"], T["colli"]), "it (same theme licence line as the fr site)")
    add("ribeira", "cultura/festival-musica-tradicional-recorde/",
        scraped_text(A["festival"], T["ribeira"]), "pt")
    add("rivierblad", "verkeer/slimme-verkeerslichten-fietsers/",
        scraped_text(A["verkeerslichten"], T["rivierblad"]), "nl")
    add("zarechye", "news/2024/09/07/novyj-peshehodnyj-most/",
        scraped_text(A["most"], T["zarechye"]), "ru")
    add("minato", "local/20240701-machi-no-hondana.html",
        scraped_text(A["hondana"], T["minato"]), "ja")
    return docs


def jsonl(docs):
    lines = []
    for d in docs:
        rec = {k: v for k, v in d.items() if not k.startswith("_")}
        lines.append(json.dumps(rec, ensure_ascii=False))
    return ("\n".join(lines) + "\n").encode("utf-8")


# --------------------------------------------------------------------------

def write_all(out_dir, verbose=True):
    os.makedirs(out_dir, exist_ok=True)
    pages = build_pages()
    warc = build_warc(pages, "pages.warc.gz")
    docs = build_docs()
    jl = jsonl(docs)
    files = {
        "pages.warc.gz": warc,
        "articles.jsonl": jl,
        "articles.jsonl.gz": gz(jl),
    }
    for name, data in files.items():
        path = os.path.join(out_dir, name)
        with open(path + ".tmp", "wb") as f:
            f.write(data)
        os.replace(path + ".tmp", path)
        if verbose:
            print("wrote %-20s %7d bytes" % (name, len(data)))
    if verbose:
        print("pages: %d (%d WARC records)" % (len(pages), 1 + 2 * len(pages)))
        for p in pages:
            print("  %-3s %s  [%s]" % (p["lang"], p["url"], p["note"]))
        print("documents: %d" % len(docs))
        for d in docs:
            print("  %s  %s  [%s]" % (d["id"], d["metadata"]["url"], d["_note"]))
    return list(files)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    here = os.path.dirname(os.path.abspath(__file__))
    ap.add_argument("--out", default=os.path.join(here, "..", "examples"))
    ap.add_argument("--check", action="store_true",
                    help="regenerate to a temp dir and compare with --out")
    ap.add_argument("-q", "--quiet", action="store_true")
    args = ap.parse_args()
    if args.check:
        with tempfile.TemporaryDirectory() as tmp:
            names = write_all(tmp, verbose=False)
            bad = [n for n in names
                   if not os.path.exists(os.path.join(args.out, n))
                   or not filecmp.cmp(os.path.join(tmp, n), os.path.join(args.out, n), shallow=False)]
        if bad:
            print("make_examples: out of date: %s" % ", ".join(bad), file=sys.stderr)
            return 1
        print("make_examples: examples are up to date")
        return 0
    write_all(args.out, verbose=not args.quiet)
    return 0


if __name__ == "__main__":
    sys.exit(main())
