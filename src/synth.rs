//! A deterministic synthetic dataset shaped like real data, for benchmarks and scale tests:
//! a few hundred claimants with skewed activity, dozens of metrics, every kind of partial date
//! and qualifier, quotes and notes of realistic length, about 5 % deprecated and 5 %
//! superseded claims, several thousand sources. The same seed gives the same dataset; the
//! store writes it like any other (`crosscheck gen`). Also a CSV shaped like an ACLED export,
//! for measuring `crosscheck import` (`crosscheck gen-acled`). No files here.

use crate::model::{
    Actor, ActorKind, Citation, Claim, Dataset, DateText, Event, FORMAT_VERSION, Manifest, Method,
    Metric, Place, Qualifier, Rank, RankReason, Reliability, Scope, Source, Sym, Term, Value,
};

/// How much to generate.
#[derive(Debug, Clone, Copy)]
pub struct Size {
    pub events: usize,
    pub claims: usize,
    pub seed: u64,
}

const WORDS: [&str; 48] = [
    "forces",
    "reported",
    "according",
    "briefing",
    "intelligence",
    "sources",
    "confirmed",
    "estimated",
    "near",
    "region",
    "troops",
    "losses",
    "command",
    "said",
    "officials",
    "statement",
    "front",
    "village",
    "units",
    "artillery",
    "drone",
    "attack",
    "defence",
    "ministry",
    "the",
    "of",
    "in",
    "and",
    "were",
    "had",
    "at",
    "least",
    "more",
    "than",
    "about",
    "during",
    "week",
    "month",
    "operation",
    "withdrew",
    "advanced",
    "captured",
    "wounded",
    "killed",
    "deployed",
    "sent",
    "additional",
    "personnel",
];

const COUNTRIES: [(&str, &str); 12] = [
    ("UA", "Ukraine"),
    ("RU", "Russia"),
    ("KR", "South Korea"),
    ("KP", "North Korea"),
    ("US", "United States"),
    ("GB", "United Kingdom"),
    ("DE", "Germany"),
    ("FR", "France"),
    ("PL", "Poland"),
    ("BY", "Belarus"),
    ("IR", "Iran"),
    ("TR", "Turkey"),
];

const PLACES: [&str; 12] = [
    "Kursk",
    "Sudzha",
    "Pokrovsk",
    "Bakhmut",
    "Avdiivka",
    "Kharkiv",
    "Zaporizhzhia",
    "Kherson",
    "Belgorod",
    "Donetsk",
    "Luhansk",
    "Sumy",
];

struct Gen {
    rng: fastrand::Rng,
}

impl Gen {
    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.rng.usize(..items.len())]
    }

    /// An index in `0..n` with a heavy head: a few claimants make most claims.
    fn skewed(&mut self, n: usize) -> usize {
        let u = self.rng.f64();
        ((u * u * u) * n as f64) as usize % n.max(1)
    }

    fn text(&mut self, min: usize, max: usize) -> String {
        let target = self.rng.usize(min..=max);
        let mut s = String::with_capacity(target + 16);
        while s.len() < target {
            if !s.is_empty() {
                s.push(' ');
            }
            let w = WORDS[self.rng.usize(..WORDS.len())];
            s.push_str(w);
        }
        s.push('.');
        let mut c = s.chars();
        c.next()
            .map_or(String::new(), |f| f.to_uppercase().chain(c).collect())
    }

    /// A partial date whose span contains `day` (days since 0001-01-01), of every EDTF kind.
    fn date_around(&mut self, day: i32) -> String {
        let Some(d) = crate::model::Day(day).date() else {
            return "2020".into();
        };
        let (y, m, dd) = (
            chrono::Datelike::year(&d),
            chrono::Datelike::month(&d),
            chrono::Datelike::day(&d),
        );
        match self.rng.u32(0..100) {
            0..60 => format!("{y}-{m:02}-{dd:02}"),
            60..75 => format!("{y}-{m:02}"),
            75..78 => format!("{y}"),
            78..86 => {
                let (a, b) = if dd <= 10 {
                    (1, 10)
                } else if dd <= 20 {
                    (11, 20)
                } else {
                    (21, last_day(y, m))
                };
                format!("{y}-{m:02}-{a:02}/{y}-{m:02}-{b:02}")
            }
            86..90 => {
                let m2 = (m % 12) + 1;
                if m2 > m {
                    format!("{y}-{m:02}/{y}-{m2:02}")
                } else {
                    format!("{y}-{m:02}")
                }
            }
            90..94 => format!("{y}-{m:02}~"),
            94..96 => format!("{y}-{m:02}-{dd:02}?"),
            96..98 => format!("{y}-{m:02}-XX"),
            98 => format!("{y}-{m:02}/.."),
            _ => format!("../{y}-{m:02}"),
        }
    }

    fn value(&mut self) -> Value {
        let best = self.rng.u64(1..5_000) * self.rng.u64(1..20);
        match self.rng.u32(0..100) {
            0..35 => Value::new(Qualifier::Exact, best),
            35..60 => Value::new(Qualifier::Approx, best),
            60..70 => Value::new(Qualifier::AtLeast, best),
            70..78 => Value::new(Qualifier::MoreThan, best),
            78..82 => Value::new(Qualifier::AtMost, best),
            82..85 => Value::new(Qualifier::FewerThan, best.max(1)),
            85..93 => Value::with(
                Qualifier::Range,
                None,
                Some(best),
                Some(best + best / 5 + 1),
            ),
            93..96 => Value::with(
                Qualifier::Approx,
                Some(best),
                Some(best - best / 10),
                Some(best + best / 10),
            ),
            96..98 => Value::with(Qualifier::Unknown, None, None, None),
            _ => Value::none(),
        }
    }
}

fn last_day(y: i32, m: u32) -> u32 {
    let (ny, nm) = if m == 12 { (y + 1, 1) } else { (y, m + 1) };
    chrono::NaiveDate::from_ymd_opt(ny, nm, 1)
        .and_then(|d| d.pred_opt())
        .map_or(28, |d| chrono::Datelike::day(&d))
}

fn manifest() -> Manifest {
    let mut metrics = vec![
        Metric {
            id: "troops_deployed".into(),
            name: "Troops deployed".into(),
            ..Metric::default()
        },
        Metric {
            id: "killed".into(),
            name: "Killed".into(),
            ..Metric::default()
        },
        Metric {
            id: "wounded".into(),
            name: "Wounded".into(),
            ..Metric::default()
        },
        Metric {
            id: "killed_or_wounded".into(),
            name: "Killed or wounded".into(),
            parts: vec!["killed".into(), "wounded".into()],
            ..Metric::default()
        },
        Metric {
            id: "captured".into(),
            name: "Captured".into(),
            ..Metric::default()
        },
        Metric {
            id: "missing".into(),
            name: "Missing".into(),
            ..Metric::default()
        },
    ];
    for (id, name) in [
        ("civilians_killed", "Civilians killed"),
        ("civilians_wounded", "Civilians wounded"),
        ("displaced", "Displaced"),
        ("tanks_lost", "Tanks lost"),
        ("armoured_vehicles_lost", "Armoured vehicles lost"),
        ("artillery_lost", "Artillery systems lost"),
        ("aircraft_lost", "Aircraft lost"),
        ("helicopters_lost", "Helicopters lost"),
        ("drones_launched", "Drones launched"),
        ("drones_downed", "Drones downed"),
        ("missiles_launched", "Missiles launched"),
        ("missiles_intercepted", "Missiles intercepted"),
        ("prisoners_exchanged", "Prisoners exchanged"),
        ("bodies_repatriated", "Bodies repatriated"),
        ("combat_engagements", "Combat engagements"),
        ("settlements_captured", "Settlements captured"),
        ("area_km2", "Area (km²)"),
        ("mobilised", "Mobilised"),
        ("deserters", "Deserters"),
        ("officers_deployed", "Officers deployed"),
        ("generals_deployed", "Generals deployed"),
        ("troops_withdrawn", "Troops withdrawn"),
        ("mercenaries", "Mercenaries"),
        ("medics_killed", "Medics killed"),
        ("journalists_killed", "Journalists killed"),
        ("hospitals_hit", "Hospitals hit"),
        ("schools_hit", "Schools hit"),
        ("power_outages", "Power outages"),
        ("shells_fired", "Shells fired"),
        ("casualty_ratio", "Casualty ratio events"),
    ] {
        metrics.push(Metric {
            id: id.into(),
            name: name.into(),
            ..Metric::default()
        });
    }
    let event_types = [
        "battle",
        "shelling",
        "air_strike",
        "drone_strike",
        "missile_strike",
        "deployment",
        "reinforcement",
        "capture",
        "exchange",
        "statement",
        "withdrawal",
        "offensive",
    ]
    .into_iter()
    .map(|id| Term {
        id: id.into(),
        name: id.replace('_', " "),
        ..Term::default()
    })
    .collect();
    Manifest {
        format_version: FORMAT_VERSION,
        title: "Synthetic dataset".into(),
        description: "Generated by `crosscheck gen` for benchmarks; not real data.".into(),
        metrics,
        event_types,
        ..Manifest::default()
    }
}

/// Generates a dataset. The same size and seed always give the same records.
pub fn generate(size: Size) -> Dataset {
    let mut g = Gen {
        rng: fastrand::Rng::with_seed(size.seed),
    };
    let manifest = manifest();
    let kinds = [
        ActorKind::Government,
        ActorKind::Military,
        ActorKind::IntelligenceService,
        ActorKind::Ministry,
        ActorKind::Media,
        ActorKind::Ngo,
        ActorKind::Researcher,
        ActorKind::Legislator,
        ActorKind::Official,
        ActorKind::HeadOfState,
    ];
    let n_claimants = 300.min(size.claims.max(10));
    let mut actors = Vec::new();
    for i in 0..n_claimants {
        let (code, country) = *g.pick(&COUNTRIES);
        let kind = g.pick(&kinds).clone();
        let name = format!("{country} {} {i}", kind.as_str().replace('_', " "));
        actors.push(Actor {
            aliases: vec![format!("{code}-{i}")],
            country: code.into(),
            default_reliability: Some(*g.pick(&[
                Reliability::A,
                Reliability::B,
                Reliability::C,
                Reliability::D,
            ])),
            ..Actor::new(&format!("a{i:04}"), &name, kind)
        });
    }
    let n_subjects = 20;
    for i in 0..n_subjects {
        let (code, country) = *g.pick(&COUNTRIES);
        actors.push(Actor {
            country: code.into(),
            ..Actor::new(
                &format!("s{i:03}"),
                &format!("{country} forces, group {i}"),
                ActorKind::ArmedForce,
            )
        });
    }
    // The span of the data: 2014-01-01 .. 2025-12-31.
    let start = crate::model::DateText::new("2014-01-01").earliest().0;
    let end = crate::model::DateText::new("2025-12-31").earliest().0;
    let n_sources = 5_000.min((size.claims / 2).max(10));
    let mut sources = Vec::with_capacity(n_sources);
    for i in 0..n_sources {
        let day = start + ((end - start) as usize * i / n_sources) as i32;
        sources.push(Source {
            id: format!("src{i:05}"),
            title: g.text(30, 80),
            outlet: format!("Outlet {}", g.skewed(200)),
            author: String::new(),
            url: format!("https://example.org/news/{i}"),
            archive_url: String::new(),
            published: Some(DateText::new(&crate::model::Day(day).iso())),
            accessed: None,
            language: g.pick(&["en", "uk", "ru", "ko"]).to_string(),
            notes: String::new(),
            origin: None,
        });
    }
    let types: Vec<String> = manifest.event_types.iter().map(|t| t.id.clone()).collect();
    let mut events = Vec::with_capacity(size.events);
    for i in 0..size.events {
        let day = start + ((end - start) as usize * i / size.events.max(1)) as i32;
        let place = g.pick(&PLACES).to_string();
        let ty = g.pick(&types).clone();
        events.push(Event {
            id: format!("e{i:07}"),
            date: DateText::new(&g.date_around(day)),
            title: format!("{} near {place}", ty.replace('_', " ")),
            description: g.text(40, 160).into(),
            place: Some(Place {
                name: place.into(),
                country: "UA".into(),
                ..Place::default()
            }),
            event_type: ty.into(),
            tags: vec![Sym::new(g.pick::<&str>(&[
                "front",
                "civilians",
                "logistics",
                "air",
                "border",
            ]))],
            actors: vec![format!("s{:03}", g.rng.usize(..n_subjects)).into()],
            sources: vec![Citation {
                source: format!("src{:05}", g.rng.usize(..n_sources)).into(),
                ..Citation::default()
            }],
            notes: String::new(),
            origin: None,
        });
    }
    let metric_ids: Vec<String> = manifest.metrics.iter().map(|m| m.id.clone()).collect();
    let mut last_by_claimant: Vec<Option<usize>> = vec![None; n_claimants];
    let mut claims: Vec<Claim> = Vec::with_capacity(size.claims);
    for i in 0..size.claims {
        let base = start + ((end - start) as usize * i / size.claims.max(1)) as i32;
        let who = g.skewed(n_claimants);
        let metric = metric_ids[g.skewed(metric_ids.len())].clone();
        let value = g.value();
        let stated = g.date_around(base);
        let refers = match g.rng.u32(0..10) {
            0..6 => Some(stated.clone()),
            6..9 => {
                let back = g.rng.i32(0..60);
                Some(g.date_around(base - back))
            }
            _ => None,
        };
        let mut claim = Claim {
            id: format!("c{i:07}").into(),
            metric: metric.into(),
            subject: format!("s{:03}", g.rng.usize(..n_subjects)).into(),
            value,
            scope: *g.pick(&[
                Scope::Cumulative,
                Scope::Cumulative,
                Scope::Period,
                Scope::Snapshot,
            ]),
            stated_on: DateText::new(&stated),
            refers_to: refers.as_deref().map(DateText::new),
            claimant: format!("a{who:04}").into(),
            via: (g.rng.u32(0..10) == 0)
                .then(|| format!("a{:04}", g.rng.usize(..n_claimants)).into()),
            sources: (0..g.rng.usize(1..=2))
                .map(|_| Citation {
                    source: format!("src{:05}", g.rng.usize(..n_sources)).into(),
                    quote: g.text(80, 260).into(),
                    ..Citation::default()
                })
                .collect(),
            reliability: Some(*g.pick(&[
                Reliability::A,
                Reliability::B,
                Reliability::C,
                Reliability::D,
                Reliability::E,
                Reliability::F,
            ])),
            credibility: Some(i64::from(g.rng.u8(1..=6))),
            rank: Rank::Normal,
            rank_reason: None,
            supersedes: None,
            event: (size.events > 0 && g.rng.u32(0..10) < 3)
                .then(|| format!("e{:07}", g.rng.usize(..size.events)).into()),
            method: Some(
                g.pick(&[
                    Method::Reported,
                    Method::Estimate,
                    Method::Derived,
                    Method::NamedCount,
                ])
                .clone(),
            ),
            notes: if g.rng.bool() {
                g.text(40, 200).into()
            } else {
                crate::model::packed::Packed::default()
            },
            origin: None,
        };
        match g.rng.u32(0..100) {
            0..5 => {
                claim.rank = Rank::Deprecated;
                claim.rank_reason = Some(
                    g.pick(&[
                        RankReason::Retracted,
                        RankReason::Misattributed,
                        RankReason::ErrorInSource,
                        RankReason::Duplicate,
                    ])
                    .clone(),
                );
            }
            5..10 => {
                if let Some(prev) = last_by_claimant[who] {
                    claim.supersedes = Some(claims[prev].id.as_str().into());
                    claim.metric = claims[prev].metric;
                }
            }
            _ => {}
        }
        last_by_claimant[who] = Some(i);
        claims.push(claim);
    }
    Dataset {
        manifest,
        actors,
        sources,
        events,
        claims,
        ..Dataset::default()
    }
}

/// The header of ACLED's CSV export, in its published order.
pub const ACLED_HEADER: [&str; 31] = [
    "event_id_cnty",
    "event_date",
    "year",
    "time_precision",
    "disorder_type",
    "event_type",
    "sub_event_type",
    "actor1",
    "assoc_actor_1",
    "inter1",
    "actor2",
    "assoc_actor_2",
    "inter2",
    "interaction",
    "civilian_targeting",
    "iso",
    "region",
    "country",
    "admin1",
    "admin2",
    "admin3",
    "location",
    "latitude",
    "longitude",
    "geo_precision",
    "source",
    "source_scale",
    "notes",
    "fatalities",
    "tags",
    "timestamp",
];

/// Writes `rows` rows shaped like ACLED's CSV export (a BOM, the published header, a few
/// hundred actors, three regions, notes of realistic length with commas and quotes) to
/// `out`: what the import benchmark reads. The same seed gives the same bytes.
pub fn write_acled_csv(out: impl std::io::Write, rows: usize, seed: u64) -> Result<(), csv::Error> {
    let mut rng = fastrand::Rng::with_seed(seed);
    let mut out = out;
    out.write_all("\u{feff}".as_bytes())?;
    let mut w = csv::Writer::from_writer(out);
    w.write_record(ACLED_HEADER)?;
    let places = [
        (
            "Russia",
            "643",
            "Kursk",
            "Sudzhanskiy",
            "Sudzha",
            51.19,
            35.27,
        ),
        ("Ukraine", "804", "Sumy", "Sumskyi", "Sumy", 50.92, 34.80),
        (
            "Ukraine",
            "804",
            "Donetsk",
            "Pokrovskyi",
            "Pokrovsk",
            48.28,
            37.18,
        ),
    ];
    let types = [
        ("Battles", "Armed clash"),
        (
            "Explosions/Remote violence",
            "Shelling/artillery/missile attack",
        ),
        ("Explosions/Remote violence", "Air/drone strike"),
        ("Violence against civilians", "Attack"),
        ("Strategic developments", "Disrupted weapons use"),
    ];
    let start = chrono::NaiveDate::from_ymd_opt(2022, 2, 24).unwrap_or_default();
    for n in 0..rows {
        let (country, iso, admin1, admin2, town, lat, lon) = places[rng.usize(..places.len())];
        let (ty, sub) = types[rng.usize(..types.len())];
        let day = start + chrono::Days::new(rng.u64(..1000));
        let actor = |rng: &mut fastrand::Rng| match rng.u32(..10) {
            0..=3 => "Military Forces of Russia (2000-)".to_string(),
            4..=6 => "Military Forces of Ukraine (2019-)".to_string(),
            _ => format!("Unidentified Armed Group ({country}) {}", rng.u32(..300)),
        };
        let notes: String = (0..rng.usize(20..60))
            .map(|_| WORDS[rng.usize(..WORDS.len())])
            .collect::<Vec<_>>()
            .join(" ");
        let record = [
            format!("{}{}", &country[..3].to_uppercase(), 100_000 + n),
            day.format("%Y-%m-%d").to_string(),
            chrono::Datelike::year(&day).to_string(),
            rng.u8(1..4).to_string(),
            "Political violence".into(),
            ty.into(),
            sub.into(),
            actor(&mut rng),
            String::new(),
            "State forces".into(),
            actor(&mut rng),
            String::new(),
            "State forces".into(),
            "State forces-State forces".into(),
            String::new(),
            iso.into(),
            "Europe".into(),
            country.into(),
            admin1.into(),
            admin2.into(),
            String::new(),
            town.into(),
            format!("{:.4}", lat + rng.f64() / 10.0),
            format!("{:.4}", lon + rng.f64() / 10.0),
            rng.u8(1..4).to_string(),
            "Ukrinform; Ministry of Defence of Russia".into(),
            "National-International".into(),
            format!("On {}, {notes}, \"reportedly\".", day.format("%d %B %Y")),
            rng.u32(..40).to_string(),
            String::new(),
            (1_700_000_000 + rng.u32(..50_000_000)).to_string(),
        ];
        w.write_record(&record)?;
    }
    w.flush()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Severity;
    use crate::model::validate::validate;

    #[test]
    fn the_same_seed_gives_the_same_dataset_and_another_seed_another() {
        let a = generate(Size {
            events: 50,
            claims: 500,
            seed: 7,
        });
        let b = generate(Size {
            events: 50,
            claims: 500,
            seed: 7,
        });
        let c = generate(Size {
            events: 50,
            claims: 500,
            seed: 8,
        });
        assert_eq!(a, b);
        assert_ne!(a, c);
        assert_eq!(a.claims.len(), 500);
        assert_eq!(a.events.len(), 50);
    }

    #[test]
    fn generated_data_passes_the_checks_and_has_every_kind_of_thing() {
        let ds = generate(Size {
            events: 200,
            claims: 5_000,
            seed: 1,
        });
        let errors: Vec<_> = validate(&ds, true)
            .into_iter()
            .filter(|f| f.severity == Severity::Error)
            .collect();
        assert!(errors.is_empty(), "{:#?}", &errors[..errors.len().min(5)]);
        let deprecated = ds
            .claims
            .iter()
            .filter(|c| c.rank == Rank::Deprecated)
            .count();
        let superseding = ds.claims.iter().filter(|c| c.supersedes.is_some()).count();
        assert!((150..400).contains(&deprecated), "{deprecated}");
        assert!((150..400).contains(&superseding), "{superseding}");
        for q in Qualifier::ALL {
            assert!(ds.claims.iter().any(|c| c.value.qualifier == q), "{q:?}");
        }
        for form in ["~", "?", "XX", "/..", "../", "/"] {
            assert!(
                ds.claims.iter().any(|c| c.stated_on.text().contains(form)),
                "{form}"
            );
        }
        // Skewed: the busiest claimant makes far more claims than the median one.
        let mut counts = std::collections::HashMap::new();
        for c in &ds.claims {
            *counts.entry(c.claimant.as_str()).or_insert(0usize) += 1;
        }
        let mut v: Vec<usize> = counts.into_values().collect();
        v.sort_unstable();
        assert!(
            v[v.len() - 1] > 10 * v[v.len() / 2].max(1),
            "{:?}",
            &v[v.len() - 3..]
        );
    }
}
