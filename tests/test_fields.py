"""Each field's definition (gold/GUIDELINES.md) as examples of real phrasing.

Positive cases give the sentence, the exact span expected and the normalised values;
negative cases give a sentence in which that field must find nothing.
"""

import pytest

M = 1e6


def only(mentions, field):
    return [m for m in mentions if m.field == field]


def check(mentions, field, span, **values):
    found = [m for m in only(mentions, field) if m.text == span]
    assert found, f"no {field} {span!r} in {[(m.field, m.text) for m in mentions]}"
    m = found[0]
    for key, want in values.items():
        got = getattr(m, key)
        if isinstance(want, float):
            assert got == pytest.approx(want), f"{key}: {got} != {want}"
        else:
            assert got == want, f"{key}: {got!r} != {want!r}"


SAMPLE_SIZES = [
    ("We enrolled patients (n=26) with chronic pain.", "n=26", 26),
    ("The MSC group (n = 5) received cells.", "n = 5", 5),
    ("A phase I study (N=12) was run.", "N=12", 12),
    ("Twenty-six patients were treated.", "Twenty-six patients", 26),
    ("One hundred and twenty patients were randomised.", "One hundred and twenty patients", 120),
    ("The trials enrolled a total of 1,299 patients.", "1,299 patients", 1299),
    ("The registry held 2 567 patients.", "2 567 patients", 2567),
    ("Rats were allocated at random, 18 per group.", "18 per group", 18),
    ("We used 24 adult male Sprague-Dawley rats.", "24 adult male Sprague-Dawley rats", 24),
    ("Thirty-six skeletally mature New Zealand White rabbits were used.", "Thirty-six skeletally mature New Zealand White rabbits", 36),
    ("Of those screened, 100 were randomised.", "100 were randomised", 100),
    ("Animals were split into groups of six.", "six", 6),
    ("Of the 26 patients, 21 avoided surgery.", "26 patients", 26),
    ("In total 60 patients were randomised: 31 to the MSC group and 29 to placebo.", "31", 31),
]


@pytest.mark.parametrize("text, span, value", SAMPLE_SIZES, ids=[c[1] for c in SAMPLE_SIZES])
def test_sample_size(extract_text, text, span, value):
    check(extract_text(text), "sample_size", span, value=value)


NOT_SAMPLE_SIZES = [
    "Patients were aged 45 years on average.",
    "The trial ran at 9 centres in 3 countries.",
    "Thirteen studies met the inclusion criteria.",
    "Discs were Pfirrmann grade 4 at L4-L5.",
    "Improvement was significant (p = 0.003) in 62% of cases.",
    "The study ran from 2019 to 2022.",
    "Approval was granted by the ethics board (No. 2019-114).",
    "Six patients progressed to surgery.",
    "Two patients allocated to placebo withdrew consent.",
    "Nineteen patients were screened for eligibility.",
    "The cohort comprised 15 women and 11 men.",
    "Treatment failed in 21 patients (81%).",
]


@pytest.mark.parametrize("text", NOT_SAMPLE_SIZES)
def test_not_sample_size(extract_text, text):
    assert only(extract_text(text), "sample_size") == []


def test_part_of_whole_keeps_only_the_whole(extract_text):
    mentions = only(extract_text("In total 21 of the 26 patients avoided surgery."), "sample_size")
    assert [m.value for m in mentions] == [26]


DOSES = [
    ("Each patient received 6 million MPCs.", "6 million MPCs", dict(value=6 * M, unit="cells", per=None)),
    ("We injected 2 × 10^7 cells/disc.", "2 × 10^7 cells/disc", dict(value=20 * M, unit="cells", per="disc")),
    ("Each disc received 2×10⁷ cells per disc.", "2×10⁷ cells per disc", dict(value=20 * M, per="disc")),
    ("Patients received 15.1–51.6 million cells.", "15.1–51.6 million cells", dict(low=15.1 * M, high=51.6 * M, unit="cells")),
    ("The target was between 15 and 50 million cells.", "between 15 and 50 million cells", dict(low=15 * M, high=50 * M)),
    ("Allogeneic BM-MSCs, 25×106 cells, were injected.", "25×106 cells", dict(value=25 * M, unit="cells")),
    ("A low dose (2×107) or high dose (4×107) was injected.", "2×107", dict(value=20 * M, unit="cells")),
    ("Cells were given at 2.5E+06 cells/kg.", "2.5E+06 cells/kg", dict(value=2.5 * M, per="kg")),
    ("Sheep received 2 x 10(7) cells.", "2 x 10(7) cells", dict(value=20 * M)),
    ("Rabbits received 1 × 10^6 autologous BM-MSCs.", "1 × 10^6 autologous BM-MSCs", dict(value=1 * M)),
    ("BMC (2 mL) was injected intradiscally.", "2 mL", dict(value=2.0, unit="mL")),
    ("Cells were suspended in 10 µL of saline and injected.", "10 µL", dict(value=0.01, unit="mL")),
    ("The carrier held 5 mg of hyaluronic acid.", "5 mg", dict(value=5.0, unit="mg")),
    ("A single dose of 1.25 U condoliase was injected.", "1.25 U", dict(value=1.25, unit="U")),
    ("Cells given, median (IQR): 4.1 (3.0 to 5.2) × 10^7 cells", "4.1 (3.0 to 5.2) × 10^7 cells",
     dict(value=41 * M, low=30 * M, high=52 * M, unit="cells")),
    ("Each level got a mean of 3.5 (range 2.2–4.8) × 10^6 MSCs.", "3.5 (range 2.2–4.8) × 10^6 MSCs",
     dict(value=3.5 * M, low=2.2 * M, high=4.8 * M)),
    ("Cells per patient, mean (SD): 12.4 (3.1) × 10^6 cells", "12.4 (3.1) × 10^6 cells", dict(value=12.4 * M, sd=3.1 * M)),
    ("Patients received on average (2.6 ± 0.9) × 10^7 cells.", "(2.6 ± 0.9) × 10^7 cells", dict(value=26 * M, sd=9 * M)),
    ("Each disc got 95 ×10⁶ (SD 30 ×10⁶) nucleated cells.", "95 ×10⁶ (SD 30 ×10⁶) nucleated cells", dict(value=95 * M, sd=30 * M, per="disc")),
    ("Two patients received 1.0 mL of 0.9% saline per segment.", "1.0 mL", dict(value=1.0, unit="mL", per="level")),
]


@pytest.mark.parametrize("text, span, values", DOSES, ids=[c[1] for c in DOSES])
def test_dose(extract_text, text, span, values):
    check(extract_text(text), "dose", span, **values)


# Where a dose takes its `per` from (GUIDELINES, dose): its own expression, or a phrase of its
# clause that distributes it, but never a "per disc" that belongs to another quantity, and never
# for a total.
PERS = [
    ("Every treated level got 3 mL of PRP per level.", "3 mL", "level"),
    ("Goats were given 4 × 10^6 cells in 100 µL of carrier into each injured disc.", "100 µL", "disc"),
    ("Goats were given 4 × 10^6 cells in 100 µL of carrier into each injured disc.", "4 × 10^6 cells", "disc"),
    ("Sham discs received 20 µL of phosphate-buffered saline.", "20 µL", "disc"),
    ("Each rabbit was given 5 × 10^5 NPSCs per disc in 15 µL of alginate.", "15 µL", None),
    ("The two arms received 1 mL of vehicle, that is 8 mg of hyaluronan per disc.", "1 mL", None),
    ("A total of 3 × 10^7 cells was injected into each patient's two levels.", "3 × 10^7 cells", None),
    ("In all, 6 mL was injected, 3 mL into each disc.", "3 mL", "disc"),
    ("Patients with two levels received 4 mL in all, injected into each disc in two passes.", "4 mL", None),
    ("Dogs in group A received 10^7 cells into each disc; dogs in group B received 1 mL of saline.", "1 mL", None),
    ("The cell arm received 10^6 cells into each disc, whereas the control arm received 10 µL of medium.", "10 µL", None),
    ("Group A had 2 mL (0.5 mL into each disc), group B 3 mL.", "3 mL", None),
    ("Chondroitinase ABC, 1 U in 0.1 mL, was injected into each of the L3/4, L4/5 and L5/6 discs.", "0.1 mL", "disc"),
    ("The three discs were each injected with 0.5 U of chondroitinase ABC.", "0.5 U", "disc"),
    ("Each NX + NC disc received 2 × 10^6 cells.", "2 × 10^6 cells", "disc"),
    # sixth session: a fronted "After …," clause and a ", so that" clause are their own clauses
    ("After 3 mL of 2% lignocaine was given to the skin, 1.5 mL of gel went into each disc.", "3 mL", None),
    ("After 3 mL of 2% lignocaine was given to the skin, 1.5 mL of gel went into each disc.", "1.5 mL", "disc"),
    ("Each disc got 1 mL of lysate, so that patients with three levels received 3 mL.", "3 mL", None),
    ("Pigs were given 2 × 10^6 cells into each of four lumbar discs.", "2 × 10^6 cells", "disc"),
    ("In each of them the treated discs kept their height after 8 × 10^5 cells.", "8 × 10^5 cells", None),
    ("Every opened segment was filled with 4 × 10^6 cells.", "4 × 10^6 cells", "level"),  # a segment is a level
    ("| Tanaka 2017 | 2.5 mL BMAC per level | 12 mo |", "2.5 mL", "level"),
    ("Ewes were dosed with 0.2 mg or 0.8 mg per disc of the growth factor.", "0.2 mg", "disc"),
    ("- PRP: 2.5 mL of leukocyte-poor platelet-rich plasma per level;", "2.5 mL", "level"),
    # seventh session
    ("Ewes received 2 million or 8 million MPCs per disc.", "2 million", "disc"),
    ("The surgeon gave each exposed disc 4 × 10^5 cells in 10 µL.", "4 × 10^5 cells", "disc"),
    ("Cells were mixed with 1 mL hyaluronan per level before injection.", "1 mL", "level"),
    ("A disc given 3 × 10^5 MSCs kept more height.", "3 × 10^5 MSCs", "disc"),
    ("Co5/6 and Co6/7 received 2 × 10^5 cells each.", "2 × 10^5 cells", "disc"),
    ("Saline, 5 µL, was injected into each of L2-3 and L4-5.", "5 µL", "disc"),
    ("The L2/3 and L3/4 discs of each dog received 1 × 10^6 cells.", "1 × 10^6 cells", "disc"),
    ("Sheep received 6 × 10^6 cells per intervertebral disc.", "6 × 10^6 cells per intervertebral disc", "disc"),
    ("The gel (0.4 mL) was injected into both discs.", "0.4 mL", "disc"),
    ("Doses per disc were 2 × 10^5 (low) and 2 × 10^6 (high) cells.", "2 × 10^5", "disc"),
    ("Each disc: 5 × 10^5 NPCs in 10 µL.", "10 µL", "disc"),
    ("Each treated disc was given one of:\n\n- cells: 5 × 10^5 MSCs;\n- gel: 10 µL.", "10 µL", "disc"),
    ("The stromal fraction, a median of 30 million cells, was injected into the painful discs.", "30 million cells", None),
    ("The L4-L5 disc received 50 µL of carrier alone.", "50 µL", None),
    ("Three groups compared 1 mL of bone marrow concentrate (BMC) per disc with saline.", "1 mL", "disc"),
    ("Each punctured disc of the low- and high-dose groups was injected with 2 × 10^5 and 8 × 10^5 cells, respectively.", "2 × 10^5", "disc"),
    ("Each level thus received on average 3.1 ± 0.7 × 10^7 cells.", "3.1 ± 0.7 × 10^7 cells", "level"),
]


@pytest.mark.parametrize("text, span, per", PERS, ids=[f"{c[1]}:{c[2]}:{c[0][:30]}" for c in PERS])
def test_where_a_dose_gets_its_per(extract_text, text, span, per):
    check(extract_text(text), "dose", span, per=per)


NOT_DOSES = [
    "Cells were plated at 5,000 cells/cm² and expanded.",
    "The final product held 121 million cells per mL.",
    "We aspirated 60 mL of bone marrow from the iliac crest.",
    "About 60 mL of bone marrow was aspirated.",
    "Cells at passage 3 were used.",
    "Lesions of 6×20 mm were made in the annulus.",
    "An 18G needle was used.",
    "Subcutaneous fat (about 4 g) was excised from the flank.",
    "Female Lewis rats aged 14 weeks (250–280 g) were used.",
    "Thirty millilitres of venous blood were drawn.",
    "The human nucleus holds about 4 × 10^6 cells per cm³.",
    "Disc tissue removed at surgery (median 0.7 g) was digested overnight.",
]


@pytest.mark.parametrize("text", NOT_DOSES)
def test_not_dose(extract_text, text):
    assert only(extract_text(text), "dose") == []


SCORES = [
    ("Pain before treatment (VAS, 7.5±1.3; RDQ, 12.6±4.1) decreased.", "7.5±1.3", dict(measure="VAS", value=7.5, sd=1.3)),
    ("Pain before treatment (VAS, 7.5±1.3; RDQ, 12.6±4.1) decreased.", "12.6±4.1", dict(measure="RDQ", value=12.6, sd=4.1)),
    ("Baseline ODI was 56.7 ± 3.6.", "56.7 ± 3.6", dict(measure="ODI", value=56.7, sd=3.6)),
    ("The mean NRS was 7.2 (SD 1.1) at entry.", "7.2 (SD 1.1)", dict(measure="NRS", value=7.2, sd=1.1)),
    ("VAS improved from 82.1 to 21.9.", "82.1 to 21.9", dict(measure="VAS", before=82.1, after=21.9, value=None)),
    ("The visual analogue scale fell from 7.4 ± 1.2 at baseline to 3.1 ± 1.8 at 12 months.",
     "7.4 ± 1.2 at baseline to 3.1 ± 1.8", dict(measure="VAS", before=7.4, after=3.1, before_sd=1.2, after_sd=1.8)),
    ("The Oswestry Disability Index improved to 19.8 (baseline 41.3).", "19.8 (baseline 41.3)", dict(measure="ODI", before=41.3, after=19.8)),
    ("At 3 months the median NRS was 6 (IQR 5–7).", "6 (IQR 5–7)", dict(measure="NRS", value=6.0, low=5.0, high=7.0)),
    ("ODI and VAS fell from 56.7 and 82.1 to 17.5 and 21.9, respectively.", "56.7 and 82.1 to 17.5", dict(measure="ODI", before=56.7, after=17.5)),
    ("ODI and VAS fell from 56.7 and 82.1 to 17.5 and 21.9, respectively.", "82.1 to 17.5 and 21.9", dict(measure="VAS", before=82.1, after=21.9)),
    ("Mean ODI and VAS scores were 22.4 and 3.0, respectively.", "22.4", dict(measure="ODI", value=22.4)),
    ("Mean ODI and VAS scores were 22.4 and 3.0, respectively.", "3.0", dict(measure="VAS", value=3.0)),
    ("Both VAS and ODI scores dropped (71.4 to 30.2 and 48.8 to 20.5, respectively).",
     "48.8 to 20.5", dict(measure="ODI", before=48.8, after=20.5)),
    ("In the treated arm, ODI and VAS fell to 25.1 and 33.0 by month 6 and to 21.7 and 28.4 by month 18, respectively.",
     "28.4", dict(measure="VAS", after=28.4)),
    ("Scores on the Numeric Pain Score (NPS) fell to 3.8 ± 2.4.", "3.8 ± 2.4", dict(measure="NPS", after=3.8, after_sd=2.4)),
    ("The SF-36 physical component rose from 32.1 to 41.5.", "32.1 to 41.5", dict(measure="SF-36", before=32.1, after=41.5)),
    ("Function was 12.3 ± 4.0 on the Roland-Morris Disability Questionnaire.", "12.3 ± 4.0", dict(measure="RDQ", value=12.3)),
]


@pytest.mark.parametrize("text, span, values", SCORES, ids=[f"{c[2]['measure']}:{c[1]}" for c in SCORES])
def test_score(extract_text, text, span, values):
    check(extract_text(text), "score", span, **values)


def test_score_lists_give_one_mention_per_value(extract_text):
    text = "In the treated arm, ODI and VAS fell to 25.1 and 33.0 by month 6 and to 21.7 and 28.4 by month 18, respectively."
    mentions = only(extract_text(text), "score")
    assert [(m.measure, m.after) for m in mentions] == [("ODI", 25.1), ("VAS", 33.0), ("ODI", 21.7), ("VAS", 28.4)]


def test_a_spelled_out_abbreviation_defines_a_measure(extract_text):
    text = ("Disability was scored with the Oswestry Low Back Pain Disability Questionnaire (OLBPDQ). "
            "The OLBPDQ fell from 44.2 to 26.1.")
    check(extract_text(text), "score", "44.2 to 26.1", measure="ODI", before=44.2, after=26.1)


NOT_SCORES = [
    "Patients with VAS ≥ 4/10 were eligible.",
    "Eligibility required a VAS of at least 40 mm.",
    "Pain was rated on a VAS (0–100 mm).",
    "The ODI ranges from 0 to 100.",
    "The MCID for the ODI is 10 points.",
    "VAS improved (p < 0.01) at 12 months.",
    "Patients (aged 45.2 ± 8.1 years) had low back pain.",
    "The difference in VAS was -1.7 (95% CI -2.4 to -1.0).",
    "Disc height was 4.1 ± 0.3 mm.",
]


@pytest.mark.parametrize("text", NOT_SCORES)
def test_not_score(extract_text, text):
    assert only(extract_text(text), "score") == []


FOLLOW_UPS = [
    ("| Study | Follow-up |\n|---|---|\n| Pettine | 36 months |\n", "36 months", dict(value=36.0)),
    ("Results of a 3-year follow-up are reported.", "3-year follow-up", dict(value=36.0)),
    ("The mean follow-up was 28.5 months (range 12–41 months).", "28.5 months (range 12–41 months)", dict(value=28.5, low=12.0, high=41.0)),
    ("Five patients were re-examined 4–6 years later.", "4–6 years", dict(low=48.0, high=72.0, value=None)),
    ("Follow-up durations varied from 12 months to 6 years.", "12 months to 6 years", dict(low=12.0, high=72.0)),
    ("Animals were sacrificed at 12 weeks.", "12 weeks", dict(value=12 * 12 / 52)),
    ("Sheep were euthanised at 3 and 6 months.", "6 months", dict(value=6.0)),
    ("Leg pain was followed as an outcome to week 13.", "week 13", dict(value=3.0)),
    ("Patients were followed up for 24 months.", "24 months", dict(value=24.0)),
    ("Discs healed over a 6-month recovery period.", "6-month", dict(value=6.0)),
    ("We report 5-year results of the trial.", "5-year", dict(value=60.0)),
    ("| Arm | Follow-up (months) |\n|---|---|\n| MSC | 24 |\n", "24", dict(value=24.0)),
]


@pytest.mark.parametrize("text, span, values", FOLLOW_UPS, ids=[c[1] for c in FOLLOW_UPS])
def test_follow_up(extract_text, text, span, values):
    check(extract_text(text), "follow_up", span, unit="months", **values)


def test_only_the_last_of_several_sacrifice_times_counts(extract_text):
    assert [m.value for m in only(extract_text("Sheep were euthanised at 3 and 6 months."), "follow_up")] == [6]


NOT_FOLLOW_UPS = [
    "Patients had back pain for more than 6 months.",
    "Rats were 12 months old at surgery.",
    "Rabbits aged 6 months were used.",
    "Cells were cultured for 14 days.",
    "Outcomes were assessed at 1, 3, 6 and 12 months.",
    "Injection took place within 2 weeks of screening.",
    "Radicular leg pain lasting more than 6 weeks was required.",
]


@pytest.mark.parametrize("text", NOT_FOLLOW_UPS)
def test_not_follow_up(extract_text, text):
    assert only(extract_text(text), "follow_up") == []


@pytest.mark.parametrize("text, field", [
    ("The cohort contributed 1,200 patient-years of observation.", "sample_size"),  # a token veto (spaCy Matcher)
    ("Marrow was drawn into a 5 mL syringe.", "dose"),                              # a phrase veto
])
def test_token_and_phrase_vetoes(extract_text, text, field):
    assert only(extract_text(text), field) == []


def test_a_measure_carries_over_to_the_next_sentences_values(extract_text):
    text = ("At 2 weeks, mean DHI was 79.6, 90.3 and 86.1 in the three groups, respectively. "
            "At 4 weeks the values were 71.2 ± 5.8 and 85.9 ± 4.9. Disc height was 4.1 ± 0.3 mm.")
    found = [(m.measure, m.value) for m in only(extract_text(text), "score")]
    assert ("DHI", 71.2) in found and ("DHI", 85.9) in found
    assert all(v != 4.1 for _, v in found)  # a value with its own unit takes no carried measure


MORE_PHRASINGS = [
    ("score", "Single-level: VAS 7.1±1.2→2.9±1.8 @12mo (p<.001).", "7.1±1.2→2.9±1.8", dict(measure="VAS", before=7.1, after=2.9, before_sd=1.2, after_sd=1.8)),
    ("score", "ODI of the treated group decreased from (46.83±6.12)% to (18.24±4.37)%.", "(46.83±6.12)% to (18.24±4.37)%", dict(measure="ODI", before=46.83, after=18.24)),
    ("score", "Mean VAS fell from 7.5 ± 1.0 before injection to 3.0 ± 1.8 at the last visit.", "7.5 ± 1.0 before injection to 3.0 ± 1.8", dict(measure="VAS", before=7.5, after=3.0)),
    ("score", "Baseline ODI was 56.7 ± 3.6 and fell to 24.2 ± 5.1 at 12 months.", "56.7 ± 3.6 and fell to 24.2 ± 5.1", dict(measure="ODI", before=56.7, after=24.2)),
    ("score", "The vehicle discs collapsed to 58.4 +/- 6.2 (from 88.9 +/- 4.7 before injection) on the DHI.", "58.4 +/- 6.2 (from 88.9 +/- 4.7 before injection)", dict(measure="DHI", before=88.9, after=58.4)),
    ("follow_up", "Final 24-mo f/u was reached by 58 (mean f/u 25.3 mo, range 23–29 mo).", "25.3 mo, range 23–29 mo", dict(value=25.3, low=23.0, high=29.0)),
    ("follow_up", "Follow-up time was 6~12 months, average (9.2±1.8) months.", "6~12 months, average (9.2±1.8) months", dict(value=9.2, low=6.0, high=12.0)),
    ("follow_up", "Safety monitoring was extended to 12 months.", "12 months", dict(value=12.0)),
    ("follow_up", "Every participant was kept under observation for three years.", "three years", dict(value=36.0)),
    ("follow_up", "The study ended with a final examination at twenty-four weeks.", "twenty-four weeks", dict(value=24 * 12 / 52)),
    ("follow_up", "Patients were re-examined 4–6 years after the injection.", "4–6 years", dict(low=48.0, high=72.0)),
    ("dose", "Patients with two levels received 2.0x10^7 cells total (1.0x10^7/level).", "1.0x10^7/level", dict(value=1e7, per="level")),
    ("dose", "On average each patient received 23 ± 5 × 10^6 cells.", "23 ± 5 × 10^6 cells", dict(value=23e6, sd=5e6)),
    ("dose", "Degeneration was induced with 1 U of chondroitinase ABC per disc.", "1 U", dict(value=1.0, unit="U", per="disc")),
    ("sample_size", "114 patients were randomised: 58 to the BM-MSC group and 56 to the sham group.", "56", dict(value=56)),
    ("sample_size", "Of 3,862 patients in the cohort, of whom 2,304 received PRP and 1,558 received BMC.", "1,558", dict(value=1558)),
]


MORE_NEGATIVES = [
    ("score", "Candidates needed a VAS of 6 or more on a 0–10 scale."),
    ("score", "Histological grades were 4.1 ± 1.2 with cells. DHI was not measured."),
    ("dose", "The suspension held 1 × 10^9 cells/L."),
    ("dose", "BM was aspirated from the PSIS (60 mL, 11G needle)."),
    ("dose", "Rats (12 weeks old, 402 +/- 31 g) were used."),
    ("sample_size", "3 cases of the treated group and 2 cases of the control group had transient pain."),
    ("sample_size", "Marrow came from two donor goats."),
    ("sample_size", "Six withdrew (two per arm) before month 3."),
    ("follow_up", "Twelve weeks later, when MRI showed loss of signal, the discs were treated."),
]


# Phrasings learned from later rounds of tune documents (written afresh here, not copied from them).
TUNED_PHRASINGS = [
    ("follow_up", "At 9 months, the end of that trial, NRS was 4.0 with PRP.", "9 months", dict(value=9.0)),
    ("follow_up", "They saw no gain in ODI at week 30, their final assessment.", "week 30", dict(value=30 * 12 / 52)),
    ("follow_up", "Patients were re-examined after a median of 6.3 years (range 5.0–7.9 years).", "6.3 years (range 5.0–7.9 years)", dict(value=75.6, low=60.0, high=94.8)),
    ("follow_up", "They were reassessed at 1 month and, for the last time, 4 months after the final dose.", "4 months", dict(value=4.0)),
    ("follow_up", "During a follow-up that ranged from eleven to thirty months, most avoided surgery.", "eleven to thirty months", dict(low=11.0, high=30.0)),
    ("follow_up", "Hale and colleagues explanted their discs after 10 weeks.", "10 weeks", dict(value=10 * 12 / 52)),
    ("follow_up", "Goats were degenerated and examined after 14 and 22 weeks, four goats at each time.", "22 weeks", dict(value=22 * 12 / 52)),
    ("sample_size", "It included three hundred and ten patients who had radicular pain.", "three hundred and ten patients", dict(value=310)),
    ("sample_size", "We reviewed the charts of 64 patients who had received 2 mL of concentrate.", "64 patients", dict(value=64)),
    ("sample_size", "At 5 years, 27 ADCT and 25 control patients attended the last visit.", "27", dict(value=27)),
    ("sample_size", "Of the 98 patients, 87 attended the final visit.", "87", dict(value=87)),
    ("sample_size", "Trial size ranged from 36 participants in one study to 118 in another.", "118", dict(value=118)),
    ("sample_size", "The trial enrolled ninety-six patients who had a positive discogram.", "ninety-six patients", dict(value=96)),
    ("sample_size", "Ten mature ewes had degeneration induced with the enzyme.", "Ten mature ewes", dict(value=10)),
    ("sample_size", "- Audit cohort = 44 pts, age 41 ± 11", "44 pts", dict(value=44)),
    ("sample_size", "Patients: 184 with chronic low back pain.", "184", dict(value=184)),
    ("sample_size", "Of the 30 treated, of whom 26 provided 12-month outcomes.", "26", dict(value=26)),
    ("sample_size", "- PP n=39 (ADSC 26, HA 13).", "13", dict(value=13)),
    ("sample_size", "Overall Number of Participants Analyzed: 16 / 17 / 15", "17", dict(value=17)),
    # decimal commas, milli-units, powers of ten in lists, a range after 'of <carrier>'
    ("dose", "Each level received 2,5 × 10^7 cells.", "2,5 × 10^7 cells", dict(value=2.5e7, unit="cells", per="level")),
    ("dose", "Cells were suspended in 1,5 ml of saline.", "1,5 ml", dict(value=1.5, unit="mL")),
    ("dose", "Rabbits first received 20 mU of chondroitinase ABC per disc.", "20 mU", dict(value=0.02, unit="U", per="disc")),
    ("dose", "Discs were punctured and given 2 × 104 or 8 × 104 cells in 2 µL.", "2 × 104", dict(value=2e4, unit="cells")),
    ("dose", "Surgeons used a mean of 1.4 cc of gel (range 0.5–2.2 cc).", "1.4 cc of gel (range 0.5–2.2 cc)", dict(value=1.4, low=0.5, high=2.2, unit="mL")),
    ("follow_up", "Follow-up therefore ranged from 9 to 30 months.", "9 to 30 months", dict(low=9.0, high=30.0)),
    ("follow_up", "The safety observation lasts 18 months.", "18 months", dict(value=18.0)),
    ("follow_up", "All of them were re-examined after 30 months.", "30 months", dict(value=30.0)),
    ("follow_up", "Two trials compared marrow cells with sham over 9 months.", "9 months", dict(value=9.0)),
    ("follow_up", "ODI fell to 20.1 at the final, 18-month visit.", "18-month", dict(value=18.0)),
    # parts that add up to a total are group sizes
    ("sample_size", "That left 58 in the per-protocol set: 20 low-dose, 19 high-dose and 19 sham.", "19", dict(value=19)),
    ("sample_size", "So 47 were treated: 30 at one level and 17 at two levels.", "17", dict(value=17)),
    ("sample_size", "Of ten goats, 6 formed the cell group and 4 the carrier group.", "6", dict(value=6)),
    ("sample_size", "DHI fell least with cells (n = 6, 6, 9 and 9).", "9", dict(value=9)),
    # sixth session: the arms of a list share the last count's population noun; parts of a total
    ("sample_size", "At 5 years, 31 ADCT and 27 control patients attended.", "31", dict(value=31)),
    ("sample_size", "We enrolled 40 MSC, 38 PRP and 41 saline patients.", "38", dict(value=38)),
    ("sample_size", "Fifty-one patients were randomised: thirty-four with cells and seventeen with carrier.", "seventeen", dict(value=17)),
    ("sample_size", "The first phase was limited to sixty patients, 40 for cells and 20 for carrier.", "40", dict(value=40)),
    ("sample_size", "The enzyme was given to 64 patients and placebo to 63.", "63", dict(value=63)),
    # sixth session: the first duration after a cue naming the last assessment or the study's end
    ("follow_up", "The closing examination was done 15 months after the implant.", "15 months", dict(value=15.0)),
    ("follow_up", "Visits were at months 1, 3 and 6, and the final review took place at the 3-year visit.", "3-year", dict(value=36.0)),
    ("follow_up", "The trial closed when the last participant reached 9 months.", "9 months", dict(value=9.0)),
    ("follow_up", "She was last seen on 3 March 2020, 41 months after the infusion.", "41 months", dict(value=41.0)),
    ("follow_up", "Median time to last contact was 27 months (IQR 18-39).", "27 months (IQR 18-39)", dict(value=27.0, low=18.0, high=39.0)),
    ("follow_up", "Final time points ranged from 8 weeks to 18 months.", "8 weeks to 18 months", dict(low=8 * 12 / 52, high=18.0)),
    ("follow_up", "The protocol fixed a 30-month final visit.", "30-month", dict(value=30.0)),
    ("follow_up", "At the 5-year visit, which closed the trial, NRS was 3.1.", "5-year", dict(value=60.0)),
    ("follow_up", "ODI was recorded at 9 months, the only follow-up visit reported.", "9 months", dict(value=9.0)),
    ("follow_up", "Five ewes were euthanised 2 months after surgery and the other five 7 months after surgery.", "7 months", dict(value=7.0)),
    ("follow_up", "Participants were then seen yearly until 6 years.", "6 years", dict(value=72.0)),
    ("follow_up", "They returned after a median of 5.5 years (range 4.0–7.1) from implantation.", "5.5 years (range 4.0–7.1)", dict(value=66.0, low=48.0, high=85.2)),
    ("follow_up", "All 16 rabbits reached post-operative week 14.", "week 14", dict(value=14 * 12 / 52)),
    ("follow_up", "A survival time of 8 months was chosen.", "8 months", dict(value=8.0)),
    ("follow_up", "- FU: through week 30", "week 30", dict(value=30 * 12 / 52)),
    ("follow_up", "Mean follow-\nup was 4.4 years.", "4.4 years", dict(value=52.8)),
    # sixth session: the earlier items of a list share the last item's unit, scale and per
    ("dose", "Dogs were given 0.2, 0.6 and 2 million cells per disc.", "0.6", dict(value=6e5, unit="cells", per="disc")),
    ("dose", "Groups received 25, 50 or 100 mg/kg of the compound.", "25", dict(value=25.0, unit="mg", per="kg")),
    ("dose", "Cohorts received 1.5, 3 or 6 mL of lysate.", "3", dict(value=3.0, unit="mL")),
    ("dose", "Each disc got 0.8 million or 8 million MPCs.", "0.8 million", dict(value=8e5, unit="cells", per="disc")),
    ("dose", "Cohorts were dosed with 3, 6 and 9 × 10^6 cells.", "6", dict(value=6e6, unit="cells")),
    ("dose", "Pettersen et al. delivered 1.5 mL of bone marrow concentrate into each disc.", "1.5 mL", dict(value=1.5, unit="mL", per="disc")),
    # a range or IQR after the dose joins it
    ("dose", "Each patient received 5.1E+07 (range 2.8E+07–7.7E+07) cells.", "5.1E+07 (range 2.8E+07–7.7E+07)", dict(value=5.1e7, low=2.8e7, high=7.7e7)),
    ("dose", "Clinics injected a median of 2 mL (range 1-3.5 mL) into each disc.", "2 mL (range 1-3.5 mL)", dict(value=2.0, low=1.0, high=3.5, per="disc")),
    ("dose", "The cells injected (median 36×106 (IQR 21–48×106)) were counted.", "36×106 (IQR 21–48×106)", dict(value=3.6e7, low=2.1e7, high=4.8e7)),
    ("follow_up", "The last evaluation was performed 2 years after the implantation.", "2 years", dict(value=24.0)),
    ("follow_up", "Registry data were censored at 36 months.", "36 months", dict(value=36.0)),
    ("follow_up", "# Long-term (4-year) outcomes of disc cell grafts", "4-year", dict(value=48.0)),
    ("follow_up", "Pts (n=18) rec'd BMC; FU 9mo.", "9mo", dict(value=9.0)),
    ("follow_up", "Mean follow-up was 31.2 ± 6.5 months (range 20–42 months).", "31.2 ± 6.5 months (range 20–42 months)", dict(value=31.2, low=20.0, high=42.0)),
    ("follow_up", "The median follow-up of the series was 28 months (IQR 22–35).", "28 months (IQR 22–35)", dict(value=28.0, low=22.0, high=35.0)),
    ("follow_up", "Goats were sacrificed at termination (week 20).", "week 20", dict(value=20 * 12 / 52)),
    ("follow_up", "At her final visit, 40 months after injection, she was pain-free.", "40 months", dict(value=40.0)),
    ("follow_up", "The 18-month visit closed the trial.", "18-month", dict(value=18.0)),
    ("follow_up", "Three dogs were kept for a year after transplantation.", "a year", dict(value=12.0)),
    ("follow_up", "The three dogs were followed for 10, 16 and 24 weeks, respectively.", "16", dict(value=16 * 12 / 52)),
    ("follow_up", "The three dogs were followed for 10, 16 and 24 weeks, respectively.", "24 weeks", dict(value=24 * 12 / 52)),
    ("follow_up", "Minimum follow-up was 1 year (median 2.5 years).", "2.5 years", dict(value=30.0)),
    ("follow_up", "Scores were taken at 3 months and at 9 months, the latter being the last visit.", "9 months", dict(value=9.0)),
    ("follow_up", "By then we had followed the group for 20 +/- 3 months (range 14-27).", "20 +/- 3 months (range 14-27)", dict(value=20.0, low=14.0, high=27.0)),
    ("sample_size", "This was a 24-patient pilot of allogeneic cells.", "24-patient", dict(value=24)),
    ("sample_size", "A sample of 16 sheep (8/8) was operated on.", "8", dict(value=8)),
    ("sample_size", "Nine of the 14 subjects reported mild soreness.", "14 subjects", dict(value=14)),
    ("sample_size", "In all, 31 of the 40 patients (78%) responded.", "40 patients", dict(value=40)),
    ("sample_size", "Enrolment flow: 75 screened → 52 enrolled.", "52 enrolled", dict(value=52)),
    ("sample_size", "so 30 and 28 patients, respectively, were analysed.", "30", dict(value=30)),
    ("dose", "Each disc received 1x10e6 cells in 20 µL.", "1x10e6 cells", dict(value=1e6, unit="cells")),
    ("dose", "Patients received a median of 4.1 × 10^7 cells (range 2.2–6.0 × 10^7).", "4.1 × 10^7 cells (range 2.2–6.0 × 10^7)", dict(value=4.1e7, low=2.2e7, high=6.0e7)),
    ("dose", "The two arms received 5 × 10^6 and 2 × 10^7 MPCs, respectively.", "2 × 10^7 MPCs", dict(value=2e7)),
    ("dose", "Each animal received a single injection of three millilitres of gel.", "three millilitres", dict(value=3.0, unit="mL")),
    ("dose", "Each punctured disc of the sham group received 15 µL of saline.", "15 µL", dict(value=0.015, per="disc")),
    ("score", "At 6 months the profile was VAS: 3.4/10 and ODI 28%.", "3.4/10", dict(measure="VAS", value=3.4)),
    ("score", "NRS improved from 7.1 ± 1.0 to 2.8 ± 1.9, against 7.0 ± 1.2 to 5.1 ± 2.0 with saline.", "7.0 ± 1.2 to 5.1 ± 2.0", dict(measure="NRS", before=7.0, after=5.1)),
    ("score", "The ODI improved to 31.5 ± 8.0 from 52.3 ± 9.1 after treatment.", "31.5 ± 8.0 from 52.3 ± 9.1", dict(measure="ODI", before=52.3, after=31.5)),
    ("score", "Her VAS was 3 (preoperatively 9) at the last visit.", "3 (preoperatively 9)", dict(measure="VAS", before=9.0, after=3.0)),
    ("score", "Mean ODI fell to 22.1 ± 9.5 at 12 months (baseline 49.0 ± 10.3).", "22.1 ± 9.5 at 12 months (baseline 49.0 ± 10.3)", dict(measure="ODI", before=49.0, after=22.1)),
    ("score", "Data are mean (SD). Baseline NRS was 6.9 (1.2), 7.1 (1.0) and 7.0 (1.4) in the three arms, respectively.", "7.1 (1.0)", dict(measure="NRS", value=7.1, sd=1.0)),
    # a list that continues a score takes its measure, with or without a qualifier per item
    ("score", "At week 26 the mean RDQ was 9.1 in the cell arm, 8.4 in the gel arm and 12.0 with sham.", "12.0", dict(measure="RDQ", value=12.0)),
    ("score", "At week 26 the mean RDQ was 9.1 in the cell arm, 8.4 in the gel arm and 12.0 with sham.", "8.4", dict(measure="RDQ", value=8.4)),
    ("score", "The EQ-5D index reached 0.81, 0.77 and 0.64.", "0.64", dict(measure="EQ-5D", value=0.64)),
    # what is left after exclusions, and the denominator of an outcome
    ("sample_size", "Nine records lacked a baseline form, which left 57 for analysis.", "57", dict(value=57)),
    ("sample_size", "Two dogs died under anaesthesia, leaving 14 dogs in the study.", "14 dogs", dict(value=14)),
    ("sample_size", "Responders at 12 months: 31/44 (70.5%).", "44", dict(value=44)),
    ("sample_size", "Of the 40 treated patients, 37 were examined at one year.", "37 were examined", dict(value=37)),
    ("sample_size", "Twenty ewes were assigned, ten wethers per treatment.", "ten wethers per treatment", dict(value=10)),
    ("sample_size", "A pilot study in 14 patients preceded the trial.", "14 patients", dict(value=14)),
    ("sample_size", "We treated 31 discs in 22 patients.", "22 patients", dict(value=22)),
    # decimal commas, as non-native authors write them; three digits after a comma are thousands
    ("score", "The ODI fell from 44,6 ± 9,1 to 21,3 ± 8,8.", "44,6 ± 9,1 to 21,3 ± 8,8", dict(measure="ODI", before=44.6, after=21.3, before_sd=9.1, after_sd=8.8)),
    ("follow_up", "Mean follow-up was 19,6 months.", "19,6 months", dict(value=19.6)),
    # a named visit time that the text calls the last one, or the end of the study
    ("follow_up", "Patients were seen at weeks 4 and 12, and the week-26 visit closed the trial.", "week-26", dict(value=6.0)),
    ("follow_up", "Disability was scored at 3, 6 and 12 months and at the 3-year visit (final).", "3-year", dict(value=36)),
    ("follow_up", "Blinding was kept through month 18, the end of the study.", "month 18", dict(value=18)),
    ("follow_up", "The last assessment, at 9 months, included MRI.", "9 months", dict(value=9)),
    ("follow_up", "The extension study ended at week 104.", "week 104", dict(value=24.0)),
    ("follow_up", "Effects persisted to the end of the planned 18-month protocol.", "18-month", dict(value=18)),
    ("follow_up", "The final examination took place in the 24th month.", "24th month", dict(value=24)),
    # a value reached after a stated change ("fell by 20 mm to ..."), and nominal changes
    ("score", "Back pain on the VAS dropped by 31 mm to 36 ± 17 mm by one year.", "36 ± 17", dict(measure="VAS", after=36, after_sd=17)),
    ("score", "ODI improved only to 38.5 ± 11.0 after saline.", "38.5 ± 11.0", dict(measure="ODI", after=38.5, after_sd=11.0)),
    ("score", "The SF-36 PCS showed a rise of 5.2 points to 41.7 ± 7.4 in the cell group.", "41.7 ± 7.4", dict(measure="SF-36", after=41.7, after_sd=7.4)),
    # percentages named by what follows them, and lists of percentages with SDs
    ("score", "Treated discs retained 88.3 ± 4.1% of their original height at 12 weeks.", "88.3 ± 4.1%", dict(measure="DHI", value=88.3, sd=4.1)),
    ("score", "Injected discs kept 79 ± 5% of disc height, against 61 ± 9% with the carrier.", "61 ± 9%", dict(measure="DHI", value=61, sd=9)),
    ("score", "At harvest the mean DHI% was 70.2% (SD 6.1), 81.5% (SD 5.0) and 90.4% (SD 3.3) across the groups.", "81.5% (SD 5.0)", dict(measure="DHI", value=81.5, sd=5.0)),
    # follow-up: one assessment time after treatment, a range with its median, the study's end
    ("follow_up", "All discs were examined 6 weeks after the cell injection.", "6 weeks", dict(value=6 * 12 / 52)),
    ("follow_up", "At 20 weeks the ewes were euthanised and the spines harvested.", "20 weeks", dict(value=20 * 12 / 52)),
    ("follow_up", "Time since the injection ranged from 18 to 44 months (median 29).", "18 to 44 months (median 29)", dict(value=29, low=18, high=44)),
    ("follow_up", "Porcine disc studies often end at 12 weeks.", "12 weeks", dict(value=12 * 12 / 52)),
    ("follow_up", "Six extra rats were kept alive for 20 weeks after injection.", "20 weeks", dict(value=20 * 12 / 52)),
    ("follow_up", "The dogs were then observed for a full year.", "a full year", dict(value=12)),
    ("follow_up", "A small pilot followed for half a year cannot show durability.", "half a year", dict(value=6)),
    ("follow_up", "That series enrolled 30 patients and reported outcomes to 24 months.", "24 months", dict(value=24)),
    # sample size: denominators of outcomes, analysed fractions, arms listed after a grouping verb, registry records
    ("sample_size", "Responders (≥ 30% ODI gain): 12/17 (cells) vs 5/16 (saline).", "16", dict(value=16)),
    ("sample_size", "The good-outcome rate was 84.0% (21/25) with cells.", "25", dict(value=25)),
    ("sample_size", "- Analysed 27/30 at one year", "27", dict(value=27)),
    ("sample_size", "A 2-point NRS gain was reached by 10 of the 14 cell patients.", "14 cell patients", dict(value=14)),
    ("sample_size", "Success: 6 of 9 MSC vs 2 of 8 sham", "8 sham", dict(value=8)),
    ("sample_size", "Of 230 screened, 151 were randomised (vehicle 50, low dose 51, high dose 50).", "51", dict(value=51)),
    ("sample_size", "In that trial 64 patients received the enzyme and 61 a sham injection.", "61", dict(value=61)),
    ("sample_size", "Enrollment: 88 (Actual)", "88", dict(value=88)),
    ("sample_size", "Overall Number of Participants Analyzed: Cells 40; Placebo 38", "38", dict(value=38)),
]


TUNED_NEGATIVES = [
    ("follow_up", "Three patients went on to surgery, a median of 11 months after the injection."),
    ("follow_up", "The report kept only patients followed for two years or more."),
    ("follow_up", "A trial planned to recruit over 18 months will begin next year."),
    ("follow_up", "Their sciatica had lasted 10 to 120 days."),
    ("score", "At 12 months their ODI had fallen by a mean of 22.4 ± 17.0 points and their VAS by 3.3 ± 2.5 cm."),
    ("score", "Both oedema groups improved by 27.3 ± 22.1 mm and 25.0 ± 20.4 mm."),
    ("sample_size", "- Later fusion: 2 pts (at 8 and 15 mo)"),
    ("sample_size", "Count of Participants: 6 (50.0%)"),
    ("sample_size", "Forty patients had lumbar surgery within a year."),
    ("follow_up", "Four more had reached the 6-month visit."),
    ("follow_up", "An interim analysis followed once half had reached the 3-month primary end point."),
    ("follow_up", "Eleven of them had no 30-month data."),
    ("follow_up", "Secondary: crossover [Time Frame: Month 3 to Month 9]"),
    ("follow_up", "The model gave 0.05 QALYs over a 10-year time horizon."),
    ("sample_size", "There were 7 adverse events: 5 in the cell arm and 2 in the sham arm."),
    ("sample_size", "With an SD of 16 and 90% power, 36 cell and 18 sham patients gave enough power."),
    ("sample_size", "At 80% power the design required 31 evaluable patients per arm."),
    ("score", "DHI was lower with saline (n = 6, 6, 9 and 9)."),
    ("score", "- Assessments: 1, 3, 6, 12 mo; VAS recorded at each."),
    ("score", "The mean JOA was reported, and the ratio passed 50% in 2 of 5, 3 of 5 and 7 of 9 patients."),
    ("score", "With a difference of 8 ODI points and an SD of 15, 40 patients per arm were needed."),
    ("sample_size", "Serious adverse events occurred in seven MPC and three saline participants."),
    ("sample_size", "Of 90 candidates screened at three hospitals, most were eligible."),
    ("sample_size", "Rats, 11 to 12 weeks old, were housed in pairs."),
    ("follow_up", "The primary outcome was the change in NRS from baseline to week 10."),
    ("follow_up", "In the 44 patients with 9-month data, ODI fell."),
    ("follow_up", "A 4-year extension is now enrolling."),
    ("follow_up", "One ram was euthanised 3 weeks after surgery because of lameness."),
    ("follow_up", "Four patients had fusion at a median of 11 months after the injection."),
    ("follow_up", "Thirty had not yet reached 24 months when the data were locked."),
    ("follow_up", "The next cohort opened after the previous one had completed 6 weeks without toxicity."),
    ("follow_up", "The 3-year reoperation-free survival rate was 91%."),
    ("follow_up", "In the last 12 months, most patients had used opioids."),
    ("sample_size", "One control rabbit was euthanised in week 3 for an abscess."),
    ("sample_size", "A single patient asked for a second injection."),
    ("sample_size", "Disc height was preserved in 9 of 12 treated discs."),
    ("sample_size", "Responders at 12 months: 31/44 discs."),
    ("sample_size", "New Modic changes appeared in seven patients, none of whom had more pain."),
    ("sample_size", "Transient soreness at the harvest site affected 9 patients."),
    ("follow_up", "The discs were punctured, and treatment followed 2 weeks later."),
    ("follow_up", "Patients were reviewed once a year by their surgeon."),
    ("sample_size", "Patients 4 and 5 were treated at two levels."),
    ("sample_size", "In case 3 the pain came back after a fall."),
    ("sample_size", "The trial screened 140 patients for eligibility."),
    ("sample_size", "A confirmatory trial with three hundred patients is being planned."),
    ("sample_size", "About 35 patients per arm would have been needed for 80% power."),
    ("sample_size", "Adverse events: 2 in the MSC arm and 3 in the saline arm developed transient pain."),
    ("dose", "Colony-forming units were 45 ± 12 per 10^6 TNC."),
    ("dose", "The concentrate held roughly 180 million cells in every millilitre."),
    ("dose", "Cells were expanded after seeding at four thousand cells per square centimetre."),
    ("score", "ΔVAS −3.1 vs −1.2 (p=.03)."),
    ("score", "The corresponding changes from baseline in ODI were −20.4 (11.2) and −8.7 (10.5)."),
    ("score", "Responder rates on the ODI were 52%, 41% and 19%."),
    ("sample_size", "Inclusion required VAS ≥ 5/10 and ODI ≥ 30%."),
    ("sample_size", "The sheep were then randomised to three groups (Table 1)."),
    ("follow_up", "Discs were imaged at 4 weeks and were euthanised later."),
    ("follow_up", "Patients were assessed at 1, 3 and 6 months after injection."),
]


PHRASINGS = MORE_PHRASINGS + TUNED_PHRASINGS
NEGATIVES = MORE_NEGATIVES + TUNED_NEGATIVES


@pytest.mark.parametrize("field, text, span, values", PHRASINGS, ids=[c[2] for c in PHRASINGS])
def test_more_phrasings(extract_text, field, text, span, values):
    check(extract_text(text), field, span, **values)


@pytest.mark.parametrize("field, text", NEGATIVES, ids=[c[1][:40] for c in NEGATIVES])
def test_more_negatives(extract_text, field, text):
    assert only(extract_text(text), field) == []


def test_an_empty_first_cell_continues_the_row_header_above(extract_text):
    """A results table that names each measure once, in the first of its rows."""
    table = ("| Measure | Visit | Cells | Sham |\n|---|---|---|---|\n"
             "| NRS | Baseline | 7.1 ± 1.0 | 7.0 ± 1.2 |\n| | 12 months | 3.2 ± 1.9 | 5.4 ± 2.0 |\n"
             "| ODI | Baseline | 47.5 ± 9.8 | 48.1 ± 10.2 |\n| | 12 months | 22.0 ± 12.5 | 36.3 ± 14.1 |\n")
    scores = {(m.text, m.measure) for m in extract_text(table) if m.field == "score"}
    assert ("5.4 ± 2.0", "NRS") in scores and ("22.0 ± 12.5", "ODI") in scores and len(scores) == 8


def test_a_standard_deviation_column_belongs_to_the_mean_beside_it(extract_text):
    """A meta-analysis data table: mean, SD and total per arm; the SD column holds no values of its own."""
    table = ("ODI at 12 months\n\n| Trial | Cells mean | Cells SD | Cells total | Saline mean | Saline SD | Saline total |\n"
             "|---|---|---|---|---|---|---|\n| Trial A | 27.1 | 12.0 | 30 | 35.4 | 13.3 | 29 |\n")
    found = extract_text(table)
    scores = {(m.value, m.sd, m.measure) for m in found if m.field == "score"}
    assert scores == {(27.1, 12.0, "ODI"), (35.4, 13.3, "ODI")}
    assert sorted(m.value for m in found if m.field == "sample_size") == [29, 30]


def test_an_indented_header_over_an_aligned_table_names_its_columns(extract_text):
    """Plain-text tables often leave the corner cell empty: the header line is indented."""
    table = ("Results at week 52\n\n"
             "             NRS base    NRS wk 52    ODI base     ODI wk 52\n"
             "  Arm A      6.9 ± 1.0   4.1 ± 2.2    47.0 ± 9.1   30.2 ± 12.0\n"
             "  Arm B      7.1 ± 0.8   3.0 ± 1.9    49.3 ± 8.4   24.8 ± 11.1\n")
    measures = {m.text: m.measure for m in extract_text(table) if m.field == "score"}
    assert measures["4.1 ± 2.2"] == "NRS" and measures["30.2 ± 12.0"] == "ODI" and len(measures) == 8


def test_a_row_label_running_into_its_value_does_not_split_the_table(extract_text):
    """A long row label may leave one space before the first value; the rows below still
    belong to the table, and an indented row continues the row header above."""
    table = ("Table 1. Baseline, mean (SD)\n\n"
             "                          Cells (n = 24)   Saline (n = 12)\n"
             "Age (years)               44.0 (8.1)       45.2 (9.0)\n"
             "Duration of pain (months) 41.3 (22.0)      39.9 (25.1)\n"
             "ODI (%)                   46.2 (9.8)       44.7 (10.3)\n"
             "                          30.1 (12.2)      38.8 (11.9)\n")
    measures = {m.text: m.measure for m in extract_text(table) if m.field == "score"}
    assert measures == {"46.2 (9.8)": "ODI", "44.7 (10.3)": "ODI", "30.1 (12.2)": "ODI", "38.8 (11.9)": "ODI"}


def test_a_count_column_is_not_read_as_the_captions_measure(extract_text):
    """A caption may name the measure of a table, but not of its "n" column or "…, n" row."""
    table = ("Table 2. DHI (% of baseline), mean (SD)\n\n"
             "| Group | n at week 12 | Week 6 | Week 12 |\n|---|---|---|---|\n"
             "| Saline | 6 | 80.1 (4.9) | 74.2 (6.0) |\n"
             "| Analysed at 12 weeks, n | | 6 | |\n")
    found = extract_text(table)
    assert {m.text for m in found if m.field == "score"} == {"80.1 (4.9)", "74.2 (6.0)"}
    assert [m.value for m in found if m.field == "sample_size"] == [6, 6]


def test_a_table_flattened_into_lines_takes_its_measures_from_the_header_line(extract_text):
    """PDF text often loses a table's columns: each row becomes one line of values, in the
    order of the measures named on the header line above."""
    table = ("Table 3 Outcomes by arm, mean ± SD\n"
             "Arm n NRS 0 NRS 12 mo ODI 0 ODI 12 mo\n"
             "Cells 30 7.1 ± 1.2 3.9 ± 2.0 45.5 ± 9.9 27.0 ± 12.5\n"
             "Sham 15 6.9 ± 1.4 5.2 ± 2.1 44.1 ± 10.2 38.3 ± 11.7\n")
    measures = [(m.text, m.measure) for m in extract_text(table) if m.field == "score"]
    assert ("3.9 ± 2.0", "NRS") in measures and ("27.0 ± 12.5", "ODI") in measures
    assert ("44.1 ± 10.2", "ODI") in measures and ("5.2 ± 2.1", "NRS") in measures


def test_a_wrapped_cell_continues_its_row_and_arm_splits_are_counts(extract_text):
    """Review tables wrap a long cell onto an indented line and give arms as '47 (25/22)'."""
    table = ("Study         Design           n (arms)     Follow-up   Outcome\n"
             "------------  ---------------  -----------  ----------  ------------------\n"
             "Lind 2016     RCT vs saline    47 (25/22)   12 mo       NRS 7.1 -> 3.9;\n"
             "                                                        6.8 -> 5.9 (saline)\n"
             "Moss 2019     Single arm       31           24 mo       ODI 44 -> 27\n")
    found = extract_text(table)
    assert sorted(m.value for m in found if m.field == "sample_size") == [22, 25, 31, 47]
    assert sorted(m.value for m in found if m.field == "follow_up") == [12.0, 24.0]


def test_a_count_cell_may_name_the_analysed_set(extract_text):
    table = ("| Trial | Randomised (arms); analysed at final visit |\n|---|---|\n"
             "| ALPHA | 90 (30/30/30); 77 analysed |\n")
    assert sorted(m.value for m in extract_text(table) if m.field == "sample_size") == [30, 30, 30, 77, 90]


def test_parts_are_group_sizes_only_when_they_add_up_to_the_total(extract_text):
    found = [m.value for m in extract_text("So 47 were treated: 30 at one level and 17 at two levels.") if m.field == "sample_size"]
    assert sorted(found) == [17, 30, 47]
    found = [m.value for m in extract_text("So 47 were treated: 30 at one level and 12 at two levels.") if m.field == "sample_size"]
    assert found == [47]


@pytest.mark.parametrize("cell, span, values", [
    ("mean 38 months (range 30–46)", "38 months (range 30–46)", dict(value=38.0, low=30.0, high=46.0)),
    ("31 mo (8-60)", "31 mo (8-60)", dict(value=31.0, low=8.0, high=60.0)),
    ("up to 4 y", "4 y", dict(value=48.0)),
    ("mean 9.1 ± 3.0 months", "9.1 ± 3.0 months", dict(value=9.1, sd=3.0)),
    ("two years (range 1–3)", "two years (range 1–3)", dict(value=24.0)),  # a number word: no crash, no range
    ("5 years after injection", "5 years after injection", dict(value=60.0)),
])
def test_a_follow_up_column_reads_means_ranges_and_limits(extract_text, cell, span, values):
    table = f"| Study | n | Follow-up |\n|---|---|---|\n| Lund 2017 | 24 | {cell} |\n"
    check(extract_text(table), "follow_up", span, **values)


def test_a_list_of_doses_in_a_table_cell_shares_its_unit(extract_text):
    table = "| Study | Dose |\n|---|---|\n| Hale 2014 | rhGDF-5, 5, 50 or 500 µg |\n"
    assert sorted(m.value for m in extract_text(table) if m.field == "dose") == pytest.approx([0.005, 0.05, 0.5])


def test_a_range_under_a_confidence_interval_caption_is_not_the_values_range(extract_text):
    table = ("**Table 2.** Pain by arm, mean (95% CI)\n\n"
             "| | Cells (n = 30) | Sham (n = 15) |\n|---|---|---|\n"
             "| NRS, 12 months | 3.4 (2.8–4.0) | 5.1 (4.3–5.9) |\n")
    found = [m for m in extract_text(table) if m.field == "score"]
    assert [(m.value, m.low, m.high, m.measure) for m in found] == [(3.4, None, None, "NRS"), (5.1, None, None, "NRS")]


def test_a_decimal_is_never_cut_short_before_a_unit(extract_text):
    found = [m for m in extract_text("At 6 months the VAS was 3.8 ± 2.7 cm.") if m.field == "score"]
    assert [(m.value, m.sd) for m in found] in ([], [(3.8, 2.7)])


def test_a_sentence_ending_in_a_colon_names_the_measure_of_the_table_below(extract_text):
    text = ("**Results.** Disc height index, % of the pre-injury value (mean ± SD):\n\n"
            "| Group | 4 weeks | 12 weeks |\n|---|---|---|\n| Cells | 91.2 ± 3.0 | 87.5 ± 4.4 |\n")
    assert {m.measure for m in extract_text(text) if m.field == "score"} == {"DHI"}


def test_a_second_count_after_received_is_an_arm_only_when_no_verb_follows(extract_text):
    """'64 patients received the enzyme and 61 a sham injection' names two arms; here 2 is an event count."""
    found = extract_text("Eight patients received 3 mL and 2 had a repeat injection.")
    assert [m.value for m in found if m.field == "sample_size"] == [8]


EVENT_CLAUSES = [
    # (text, the sample sizes expected: a count in a clause that tells of an event is dropped)
    ("Seven patients (five cell, two sham) had more leg pain for a week after the procedure.", []),
    ("Paracetamol as rescue medication was taken by 14 patients during the first month.", []),
    ("Eight cell-arm patients and five controls missed the final visit.", []),
    ("Two hospitals enrolled 40 patients; 3 patients later needed fusion surgery.", [40]),
    ("Four patients in the low-dose arm withdrew, so 36 patients were analysed.", [36]),
    ("Of the 48 patients, six reported a headache after the injection.", [48]),
    ("All 16 sheep recovered from surgery and reached the end point.", [16]),
    ("Five rats per group were killed at each time point.", [5]),
    ("Thirty patients (mean age 44 years; 12 women) were enrolled, and two of them dropped out.", [30]),
    ("2 Patients and methods", []),
    ("The safety board met after the first 12 participants had been treated.", []),
    ("Most earlier studies had fewer than 20 animals.", []),
    ("Of the 52 participants, 29 were women.", [52]),
]


@pytest.mark.parametrize("text, values", EVENT_CLAUSES, ids=[c[0][:40] for c in EVENT_CLAUSES])
def test_a_count_in_a_clause_about_an_event_is_not_a_sample_size(extract_text, text, values):
    assert [m.value for m in only(extract_text(text), "sample_size")] == values


@pytest.mark.parametrize("header, cell, value", [
    ("Necropsy", "week 26", 6.0),
    ("Harvests (weeks after injection)", "3 and 9", 2.08),
    ("Killed at (weeks)", "6 or 12", 2.77),
    ("End of observation", "2, 4 and 8 wk", 1.85),
    ("Survival after treatment", "12 weeks", 2.77),
    ("Time to last visit, months, median (range)", "13.1 (12.0–15.2)", 13.1),
])
def test_an_end_point_column_gives_the_last_time_as_follow_up(extract_text, header, cell, value):
    table = f"| Group | Rats | {header} |\n|---|---|---|\n| Low dose | 10 | {cell} |\n"
    assert [m.value for m in extract_text(table) if m.field == "follow_up"] == [pytest.approx(value, rel=0.01)]


def test_a_row_label_listing_harvest_weeks_is_not_a_follow_up(extract_text):
    table = "| Harvest time | Cells | Saline |\n|---|---|---|\n| Weeks 2 and 4 | present | absent |\n"
    assert [m for m in extract_text(table) if m.field == "follow_up"] == []


@pytest.mark.parametrize("table, per", [
    ("**Table 1.** Groups (all doses per disc)\n\n| Group | Cells |\n|---|---|\n| Low | 1 × 10^5 |\n", "disc"),
    ("**Table 1.** Groups (eight rats per animal group)\n\n| Group | Cells |\n|---|---|\n| Low | 1 × 10^5 |\n", None),
    ("| Item | Cohort A |\n|---|---|\n| PRP per level | 2.5 mL |\n", "level"),
    ("| Group | Dose / IVD |\n|---|---|\n| Low | 1 × 10^5 cells |\n", "disc"),
])
def test_a_table_dose_takes_its_per_from_header_row_label_or_caption(extract_text, table, per):
    assert [m.per for m in extract_text(table) if m.field == "dose"] == [per]



@pytest.mark.parametrize("text, span, months", [
    ("The rabbits were killed in groups of four at 2, 6, 10 and 14 weeks after puncture.", "14 weeks", 3.23),
    ("Grafts maintained their volume and hydration in treated discs through 9 months.", "9 months", 9),
    ("The cells preserved disc height for twelve months.", "twelve months", 12),
    ("The gain in function was still visible after 4 years.", "4 years", 48),
])
def test_a_lasting_effect_or_the_last_of_several_sacrifice_times_is_the_follow_up(extract_text, text, span, months):
    check(extract_text(text), "follow_up", span, value=pytest.approx(months, rel=0.01))


SAMPLE_SIZE_SHAPES = [
    # (text, the sample sizes expected)
    ("Seizing 14 of the 30 low-dose, 12 of the 29 high-dose and 9 of the 31 vehicle patients met the goal.", [30, 29, 31]),
    ("Good results were seen in 18 of 25 BMC and 10 of 24 sham patients.", [25, 24]),
    ("By then 9 of their 40 patients had been operated on.", [40]),
    ("In 18 skeletally mature male goats, two lumbar discs were injured with the enzyme.", [18]),
    ("We used 32 Lewis/SsNHsd rats weighing 300 g.", [32]),
    ("In the pilot, 12, 12 and 6 participants received the low dose, the high dose or saline, respectively.", [12, 12, 6]),
    ("Adverse events: nausea, 3, 2 and 1 participants; dizziness, 2, 1 and 2 participants.", []),
    ("A single trial enrolled 54 patients and reported outcomes at 2 years.", [54]),
    ("A total of 2 310 patients had one or more registered injections.", [2310]),
    ("Of the 70 dogs, 64 (32 cells, 32 vehicle) were seen at the final examination.", [70, 64]),
    ("Across the series 188 sheep were used; 171 contributed histology at the last harvest.", [188, 171]),
    ("Our results resemble those of a group that injected 1 × 10^7 cells in 14 patients.", [14]),
    ("The grade was unchanged in 9 patients and worse in 4.", []),
    ("MRI showed a brighter T2 signal of the injected nucleus in 5 cases.", []),
]


@pytest.mark.parametrize("text, values", SAMPLE_SIZE_SHAPES, ids=[c[0][:40] for c in SAMPLE_SIZE_SHAPES])
def test_denominators_bare_lists_strains_and_study_verbs(extract_text, text, values):
    assert [m.value for m in only(extract_text(text), "sample_size")] == values


@pytest.mark.parametrize("table, values", [
    ("| Trial | Arms (n) |\n|---|---|\n| Ng 2019 | MSC (22) vs saline (21) |\n", [22, 21]),
    ("| Group | Killed at 6 wk, n | 12 wk, n |\n|---|---|---|\n| Gel | 6 | 5 |\n", [6, 5]),
    ("| Flow | Cells | Sham |\n|---|---|---|\n| Received allocated procedure | 40 | 39 |\n", [40, 39]),
])
def test_count_columns_arm_brackets_and_consort_rows(extract_text, table, values):
    assert [m.value for m in only(extract_text(table), "sample_size")] == values


@pytest.mark.parametrize("text, span, months", [
    ("Histology was performed on retrieved discs, which were examined at 8 and 20 weeks in the sheep.", "20 weeks", 4.62),
    ("Their discs were analysed at 2, 4 and 6 months post-treatment in both rabbit groups.", "6 months", 6),
    ("ODI was recorded before and 2 years after treatment.", "2 years after treatment", 24),
    ("Pain scores were taken at baseline and once more, 8 weeks after the last injection.", "8 weeks after the last injection", 1.85),
    ("The investigators followed the dogs with MRI for nine months.", "nine months", 9),
    ("Cell-seeded gels in pigs: a 12-week comparison with discectomy (fictional)", "12-week", 2.77),
])
def test_end_of_study_times_in_assessment_sentences_and_titles(extract_text, text, span, months):
    check(extract_text(text), "follow_up", span, value=pytest.approx(months, rel=0.01))


@pytest.mark.parametrize("text", [
    "VAS was recorded at baseline and 1, 3 and 6 months after injection.",
    "Disc height was measured in 6 of the 8 discs examined at 4 weeks.",
    "During the blinded 8-week comparison, pain fell more with PRP.",
])
def test_intermediate_or_subset_times_are_not_follow_up(extract_text, text):
    assert only(extract_text(text), "follow_up") == []


@pytest.mark.parametrize("text, expected", [
    ("Median ODI (0-100) at baseline was 44 in the cell arm and 46 in the sham arm.", [("ODI", 44), ("ODI", 46)]),
    ("At entry the NRS stood at 7.2.", [("NRS", 7.2)]),
    ("The DHI was 88% with the high dose and 74% with saline.", [("DHI", 88), ("DHI", 74)]),
    ("Mean JOA was 22.1 at 6 months but 24.3 at the end.", [("JOA", 22.1), ("JOA", 24.3)]),
    ("Before the injection he rated his leg pain 7 on an 11-point numeric rating scale (NRS).", [("NRS", 7)]),
])
def test_a_score_named_before_its_values_and_the_list_that_follows(extract_text, text, expected):
    assert [(m.measure, m.value) for m in only(extract_text(text), "score")] == expected


@pytest.mark.parametrize("text", [
    "Least squares mean change in VAS: cells −36.2 (4.1); sham −21.7 (4.3).",
    "At 12 months the ODI was 7.3 points lower with cells than with saline.",
    "The VAS had fallen more in the oedema subgroups (P = 0.03, 0.041 and 0.012).",
    "Doses in the VAS trials ranged from 2 to 40 million cells.",
])
def test_changes_differences_p_value_lists_and_other_ranges_are_not_scores(extract_text, text):
    assert only(extract_text(text), "score") == []


@pytest.mark.parametrize("text, span, months", [
    ("Eight sheep were killed at 6 weeks and eight after one year.", "one year", 12),
    ("Three rabbits were euthanised after the 4-week scan and the remaining nine after the 16-week scan.", "16-week", 3.69),
    ("The cohort was examined after a median of 40 months (range 30–52).", "40 months (range 30–52)", 40),
    ("Our patients were seen until 30 months.", "30 months", 30),
    ("Follow-up lasted at least 2 years in every patient.", "2 years", 24),
    ("When the registry was closed, no patient had been followed for less than 18 months.", "18 months", 18),
])
def test_staggered_harvests_means_and_minimum_follow_up(extract_text, text, span, months):
    check(extract_text(text), "follow_up", span, value=pytest.approx(months, rel=0.01))


@pytest.mark.parametrize("text", [
    "Notochordal cells remained in 3 of the 6 rats killed at 4 weeks.",
    "Most patients returned to work after a median of 6 weeks.",
    "Two patients needed surgery after a mean of 5 months.",
    "| Harvest | Cells, n | Saline, n |\n|---|---|---|\n| Week 2 | 4 | 4 |\n| Week 6 | 4 | 3 |\n",
])
def test_a_harvest_subset_a_time_to_an_event_or_a_row_time_is_not_follow_up(extract_text, text):
    assert only(extract_text(text), "follow_up") == []


@pytest.mark.parametrize("text, values", [
    ("| Harvest | Cells, n | Saline, n |\n|---|---|---|\n| Week 4 | 5 | 4 |\n", [5, 4]),
    ("| Study | N (arms) |\n|---|---|\n| Ortiz 2020 | 50 (26 PRP / 24 saline) |\n", [50, 26, 24]),
    ("A pilot trial, n=24 (12/12), compared the gel with sham.", [24, 12, 12]),
    ("The trial randomised 70 patients (36 vs 34) to cells or saline.", [70, 36, 34]),
    ("Only 52 of the 60 enrolled patients were analysed at one year.", [52, 60]),
    ("The registry held 940 eligible procedures.", []),
    ("Rats were housed with four animals per cage.", []),
    ("Transient back pain was reported by 12 patients.", []),
    ("Losing one in six participants weakens the trial.", []),
    ("Two were randomised trials, one a cohort and one a case series.", []),
])
def test_count_headers_breakdowns_analysed_parts_and_what_is_not_a_sample(extract_text, text, values):
    assert [m.value for m in only(extract_text(text), "sample_size")] == values


@pytest.mark.parametrize("text, span, values", [
    ("The injected volume averaged 1.2 ± 0.4 mL per disc.", "1.2 ± 0.4 mL per disc", {"value": 1.2, "sd": 0.4, "per": "disc"}),
    ("Doses ranged from 3 µL per mouse disc to 2 mL per sheep level.", "3 µL per mouse disc", {"value": 0.003, "per": "disc"}),
    ("Then three discs per rabbit were injected with 10 µg of GDF-5.", "10 µg", {"value": 0.01, "per": "disc"}),
    ("A single per-disc dose of two million MSCs was given.", "two million MSCs", {"value": 2_000_000, "per": "disc"}),
    ("Each patient received 4 × 10^7 cells per patient.", "4 × 10^7 cells per patient", {"value": 4e7, "per": None}),
    ("Patients treated at three levels received 4.5 mL across all three discs.", "4.5 mL", {"value": 4.5, "per": None}),
])
def test_dose_sd_per_site_distribution_and_subject_totals(extract_text, text, span, values):
    check(extract_text(text), "dose", span, **values)


def test_a_volume_a_preparation_yields_is_not_a_dose(extract_text):
    assert only(extract_text("Blood (50 mL) was spun, yielding about 5 mL of PRP."), "dose") == []


@pytest.mark.parametrize("text, span, values", [
    ("In the crossover group, mean ODI was 44.0 before and 26.5 after the injection.", "44.0 before and 26.5",
     {"measure": "ODI", "before": 44.0, "after": 26.5}),
    ("The final NRS was 2.9 ± 1.7, falling from 7.2 ± 1.1.", "2.9 ± 1.7, falling from 7.2 ± 1.1",
     {"measure": "NRS", "before": 7.2, "after": 2.9, "before_sd": 1.1, "after_sd": 1.7}),
])
def test_before_and_after_in_either_order(extract_text, text, span, values):
    check(extract_text(text), "score", span, **values)


@pytest.mark.parametrize("text", [
    "Responders on the VAS: 12/20 with cells vs 6/19 with saline.",
    "Pain was scored on the VAS from 0 to 10.",
    "Cells kept the DHI 12.4 points above the vehicle.",
    "The cohort reported a fall in ODI of 21 points.",
    "The VAS trials used 2 µL per rat disc vs 1.5 mL per pig level.",
])
def test_other_quantities_ratios_scale_ranges_and_differences_are_not_scores(extract_text, text):
    assert only(extract_text(text), "score") == []


def test_a_value_after_another_quantity_is_named_does_not_take_the_earlier_measure(extract_text):
    found = only(extract_text("The DHI was 88% with cells, but the histological score was lower with cells (5.2 vs 9.8)."), "score")
    assert [(m.measure, m.value) for m in found] == [("DHI", 88)]


def test_an_arm_n_column_in_a_characteristics_table_counts_categories_not_samples(extract_text):
    table = "| Characteristic | Cells, n | Saline, n |\n|---|---|---|\n| Female | 12 | 10 |\n| Smoker | 4 | 6 |\n"
    assert only(extract_text(table), "sample_size") == []
