//! Getting data in: a CSV file — an ACLED export, a UCDP GED export, or a sheet of claims —
//! read row by row into the records of a dataset, as one [`Edit::Batch`] (one undo step, saved
//! like any other edit) with a report of what it adds, updates, leaves alone and cannot read.
//!
//! The file is streamed through the `csv` crate: memory grows with the records made, not
//! with the file. Rows that cannot be read are problems at `file.csv:LINE:COL` (the line and
//! column of the cell in the file, as an editor counts them); the plan keeps the good rows,
//! and the caller decides whether to apply it. Imported events and claims have ids made from
//! the export's own ids (`acled-ukr12345`, `ucdp-ged-543210-deaths`), so a re-import of a newer
//! export updates what changed and two curators who import the same file get the same records.
//!
//! No egui here; the window runs [`plan`] on a worker thread.

pub mod acled;
pub mod claims;
pub mod ucdp;

use std::fmt;
use std::fs::File;
use std::io::{self, BufReader, Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};
use std::sync::atomic::Ordering;

use rustc_hash::{FxHashMap, FxHashSet};

use crate::model::colors::ColorPicker;
use crate::model::edit::{AnyRecord, Edit};
use crate::model::merge::{Keyed, keep_unset};
use crate::model::{Actor, ActorKind, Dataset, Kind, Manifest, Metric, Term, ids};

/// The formats [`plan`] reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Format {
    /// ACLED's CSV export.
    Acled,
    /// UCDP's Georeferenced Event Dataset, as CSV.
    UcdpGed,
    /// A sheet of claims: the columns of `crosscheck export --claims-csv`, or some of them.
    ClaimsCsv,
}

impl Format {
    pub const ALL: [Format; 3] = [Format::Acled, Format::UcdpGed, Format::ClaimsCsv];

    /// The name people read.
    pub fn label(self) -> &'static str {
        match self {
            Format::Acled => "ACLED export",
            Format::UcdpGed => "UCDP GED export",
            Format::ClaimsCsv => "Sheet of claims",
        }
    }

    /// The name on the command line (`--from`).
    pub fn arg(self) -> &'static str {
        match self {
            Format::Acled => "acled",
            Format::UcdpGed => "ucdp-ged",
            Format::ClaimsCsv => "claims-csv",
        }
    }

    /// The format a header row looks like, if any.
    pub fn detect(header: &[String]) -> Option<Format> {
        let has = |c: &str| header.iter().any(|h| h == c);
        if has("event_id_cnty") {
            Some(Format::Acled)
        } else if has("dyad_new_id") || (has("side_a") && has("best")) {
            Some(Format::UcdpGed)
        } else if has("metric") || has("claimant") || has("claim_id") {
            Some(Format::ClaimsCsv)
        } else {
            None
        }
    }
}

/// How to import.
#[derive(Debug, Clone)]
pub struct Options {
    pub format: Format,
    /// Header names of the file to read as one of the format's columns (`--map Figure=best`).
    pub map: Vec<(String, String)>,
    /// Today, `YYYY-MM-DD`: the date a new source of the import is accessed.
    pub today: String,
    /// The seed of the random part of new actors' ids.
    pub seed: u64,
}

impl Options {
    pub fn new(format: Format, today: &str) -> Options {
        Options {
            format,
            map: Vec::new(),
            today: today.to_string(),
            seed: 0x1a2b_3c4d,
        }
    }
}

/// Progress of a running import (bytes of the file read), shared with the window; set
/// `cancel` to stop it. The store's own, as reading a dataset reports it.
pub use crate::store::Progress;

/// Why an import could not run at all.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error("{path}: could not be read: {source}")]
    Io { path: PathBuf, source: io::Error },
    #[error("{path}:1:1: the header lacks the required column(s) {} of the {}; if the file names them differently, map them: --map \"THEIR NAME=column\"", .missing.join(", "), .format.label())]
    MissingColumns {
        path: PathBuf,
        format: Format,
        missing: Vec<String>,
    },
    #[error("{path}:1:1: the file is empty (no header row)")]
    Empty { path: PathBuf },
    #[error("{path}:{line}:{col}: {message}")]
    Header {
        path: PathBuf,
        line: u64,
        col: u64,
        message: String,
    },
    #[error(
        "{path}:1:1: the first row is not the header of an ACLED or UCDP GED export or of a sheet of claims (it reads: {header})"
    )]
    Unknown { path: PathBuf, header: String },
    #[error("the import was cancelled")]
    Cancelled,
}

/// Whether a problem stops its row.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Level {
    /// The row is left out.
    Error,
    /// The row is imported; something about it is worth knowing.
    Warning,
}

/// Something wrong with one cell or row, where it is in the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub level: Level,
    /// 1-based line and column of the cell (of the row, when no cell is to blame).
    pub line: u64,
    pub col: u64,
    pub message: String,
    /// Where the row starts in the file, and which cell: turned into `line` and `col` once
    /// the file is read.
    at: Option<(u64, usize)>,
}

impl Problem {
    /// `file.csv:LINE:COL: error: message`.
    pub fn describe(&self, path: &Path) -> String {
        let level = match self.level {
            Level::Error => "error",
            Level::Warning => "warning",
        };
        format!(
            "{}:{}:{}: {level}: {}",
            path.display(),
            self.line,
            self.col,
            self.message
        )
    }
}

/// How many records of each kind.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    pub actors: usize,
    pub sources: usize,
    pub events: usize,
    pub claims: usize,
}

impl Counts {
    fn add(&mut self, kind: Kind) {
        match kind {
            Kind::Actor => self.actors += 1,
            Kind::Source => self.sources += 1,
            Kind::Event => self.events += 1,
            Kind::Claim => self.claims += 1,
        }
    }

    pub fn total(&self) -> usize {
        self.actors + self.sources + self.events + self.claims
    }
}

impl fmt::Display for Counts {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let parts: Vec<String> = [
            (self.events, "event"),
            (self.claims, "claim"),
            (self.actors, "actor"),
            (self.sources, "source"),
        ]
        .iter()
        .filter(|(n, _)| *n > 0)
        .map(|(n, noun)| format!("{n} {noun}{}", if *n == 1 { "" } else { "s" }))
        .collect();
        if parts.is_empty() {
            f.write_str("nothing")
        } else {
            f.write_str(&parts.join(", "))
        }
    }
}

/// What an import would do: the edit, and the report people read before applying it.
#[derive(Debug, Clone)]
pub struct Plan {
    pub path: PathBuf,
    pub format: Format,
    /// Data rows read (the header not counted).
    pub rows: usize,
    /// Rows left out because of an error.
    pub rows_left_out: usize,
    pub added: Counts,
    pub updated: Counts,
    pub unchanged: Counts,
    /// Names of the actors the import creates.
    pub new_actors: Vec<String>,
    /// Vocabulary added to the manifest (metrics and event types), as `id (name)`.
    pub new_terms: Vec<String>,
    /// Records an earlier import of this source made that this file no longer has (ACLED
    /// revises and deletes events): listed, never deleted. `(id, title)`.
    pub missing: Vec<(String, String)>,
    pub problems: Vec<Problem>,
    /// The change, one undo step; `None` when there is nothing to change.
    pub edit: Option<Edit>,
}

impl Plan {
    pub fn errors(&self) -> usize {
        self.problems
            .iter()
            .filter(|p| p.level == Level::Error)
            .count()
    }

    /// The report as lines of text (the command line prints them; the window shows them).
    pub fn summary(&self) -> Vec<String> {
        let mut out = vec![format!(
            "{}: {} row{} read ({})",
            self.path.display(),
            self.rows,
            if self.rows == 1 { "" } else { "s" },
            self.format.label()
        )];
        out.push(format!("adds {}", self.added));
        out.push(format!("updates {}", self.updated));
        out.push(format!("leaves {} as they are", self.unchanged));
        if !self.new_actors.is_empty() {
            out.push(format!(
                "new actors: {}",
                preview_list(&self.new_actors, 12)
            ));
        }
        if !self.new_terms.is_empty() {
            out.push(format!(
                "new vocabulary: {}",
                preview_list(&self.new_terms, 12)
            ));
        }
        if !self.missing.is_empty() {
            let ids: Vec<String> = self
                .missing
                .iter()
                .map(|(id, title)| format!("{id} ({title})"))
                .collect();
            out.push(format!(
                "{} record(s) of an earlier import are not in this file (kept; delete them yourself if the source withdrew them): {}",
                self.missing.len(),
                preview_list(&ids, 10)
            ));
        }
        if self.rows_left_out > 0 {
            out.push(format!(
                "{} row(s) left out because of errors",
                self.rows_left_out
            ));
        }
        out
    }
}

fn preview_list(items: &[String], n: usize) -> String {
    let mut s = items.iter().take(n).cloned().collect::<Vec<_>>().join(", ");
    if items.len() > n {
        s.push_str(&format!(" and {} more", items.len() - n));
    }
    s
}

/// The columns of a header, by the names a format knows them by.
pub struct Sheet {
    index: FxHashMap<String, usize>,
}

impl Sheet {
    /// Reads the header: names trimmed and lowercased (a BOM dropped), `map` applied, the
    /// `required` columns checked. `known` are the format's column names.
    fn new(
        header: &[String],
        map: &[(String, String)],
        required: &[&str],
        format: Format,
        path: &Path,
    ) -> Result<Sheet, ImportError> {
        let mut index = FxHashMap::default();
        for (i, name) in header.iter().enumerate() {
            let mapped = map
                .iter()
                .find(|(from, _)| from.trim().eq_ignore_ascii_case(name))
                .map_or(name.clone(), |(_, to)| to.trim().to_ascii_lowercase());
            index.entry(mapped).or_insert(i);
        }
        let missing: Vec<String> = required
            .iter()
            .filter(|c| !index.contains_key(**c))
            .map(|c| c.to_string())
            .collect();
        if !missing.is_empty() {
            return Err(ImportError::MissingColumns {
                path: path.to_path_buf(),
                format,
                missing,
            });
        }
        Ok(Sheet { index })
    }

    /// The cell of column `name` in `row` (trimmed), or `""` when the file has no such
    /// column.
    pub fn get<'r>(&self, row: &'r csv::StringRecord, name: &str) -> &'r str {
        self.index
            .get(name)
            .and_then(|&i| row.get(i))
            .map_or("", str::trim)
    }

    /// Whether the file has column `name`.
    pub fn has(&self, name: &str) -> bool {
        self.index.contains_key(name)
    }

    /// The 0-based position of column `name`.
    pub fn col(&self, name: &str) -> usize {
        self.index.get(name).copied().unwrap_or(0)
    }
}

/// One row being read: its cells, and the problems found in it.
pub struct Row<'a> {
    pub sheet: &'a Sheet,
    pub cells: &'a csv::StringRecord,
    pub line: u64,
    byte: u64,
    pub problems: Vec<Problem>,
}

impl Row<'_> {
    /// The cell of column `name`.
    pub fn get(&self, name: &str) -> &str {
        self.sheet.get(self.cells, name)
    }

    /// Whether the file has column `name`.
    pub fn has_column(&self, name: &str) -> bool {
        self.sheet.has(name)
    }

    /// Notes an error in column `name`: the row is left out.
    pub fn error(&mut self, name: &str, message: impl Into<String>) {
        self.problem(Level::Error, Some(name), message.into());
    }

    /// Notes a warning about column `name`: the row is kept.
    pub fn warn(&mut self, name: &str, message: impl Into<String>) {
        self.problem(Level::Warning, Some(name), message.into());
    }

    fn problem(&mut self, level: Level, name: Option<&str>, message: String) {
        let field = name.map_or(0, |n| self.sheet.col(n));
        self.problems.push(Problem {
            level,
            line: self.line,
            col: 1,
            message,
            at: Some((self.byte, field)),
        });
    }

    pub fn has_errors(&self) -> bool {
        self.problems.iter().any(|p| p.level == Level::Error)
    }

    /// A whole number in column `name` (empty: `None`). ACLED and UCDP write some counts
    /// as `12.0`; a fraction or a negative number is an error.
    pub fn count(&mut self, name: &str) -> Option<u64> {
        let text = self.get(name).to_string();
        if text.is_empty() {
            return None;
        }
        let whole = text.strip_suffix(".0").unwrap_or(&text).replace(',', "");
        match whole.parse::<u64>() {
            Ok(n) if n <= crate::model::value::MAX_COUNT => Some(n),
            _ => {
                self.error(
                    name,
                    format!("{name}: `{text}` is not a whole number of 0 or more"),
                );
                None
            }
        }
    }

    /// A latitude or longitude in column `name`, within ±`limit` degrees (empty: `None`).
    pub fn degrees(&mut self, name: &str, limit: f64) -> Option<f64> {
        let text = self.get(name).to_string();
        if text.is_empty() {
            return None;
        }
        match text.parse::<f64>() {
            Ok(v) if v.is_finite() && v.abs() <= limit => Some(v),
            _ => {
                self.error(
                    name,
                    format!("{name}: `{text}` is not a {name} in degrees (-{limit} to {limit})"),
                );
                None
            }
        }
    }

    /// A calendar day in column `name`: `2024-08-10`, `2024-08-10 00:00:00(.000)`,
    /// `10 August 2024`, `10-Aug-2024` or `10/08/2024` (day first). Empty: `None`.
    pub fn day(&mut self, name: &str) -> Option<chrono::NaiveDate> {
        let text = self.get(name).to_string();
        if text.is_empty() {
            return None;
        }
        match parse_day(&text) {
            Some(d) => Some(d),
            None => {
                self.error(
                    name,
                    format!("{name}: `{text}` is not a date (write 2024-08-10 or 10 August 2024)"),
                );
                None
            }
        }
    }
}

/// A calendar day in one of the forms exports write.
pub fn parse_day(text: &str) -> Option<chrono::NaiveDate> {
    use chrono::NaiveDate;
    let t = text.trim();
    // A time of day after the date (UCDP writes `2024-08-10 00:00:00.000`) is dropped.
    let date_part = t.split([' ', 'T']).next().unwrap_or(t);
    if let Ok(d) = NaiveDate::parse_from_str(date_part, "%Y-%m-%d") {
        return Some(d);
    }
    [
        "%d %B %Y",
        "%d-%B-%Y",
        "%d %b %Y",
        "%d-%b-%Y",
        "%d/%m/%Y",
        "%B %d, %Y",
    ]
    .iter()
    .find_map(|f| NaiveDate::parse_from_str(t, f).ok())
}

/// A place's region: the first and second administrative divisions an export names,
/// those it gives.
pub fn region(admin1: &str, admin2: &str) -> String {
    [admin1, admin2]
        .into_iter()
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join(", ")
}

/// The span of dates and the countries an export covers: an event of an earlier import of
/// the same source outside them is not "missing" from this export, only outside it.
#[derive(Default)]
pub struct Coverage {
    first: Option<chrono::NaiveDate>,
    last: Option<chrono::NaiveDate>,
    countries: FxHashSet<String>,
}

impl Coverage {
    /// Notes an event of the export, from `start` to `end`, in `country` (may be empty).
    pub fn add(&mut self, start: chrono::NaiveDate, end: chrono::NaiveDate, country: &str) {
        self.first = Some(self.first.map_or(start, |f| f.min(start)));
        self.last = Some(self.last.map_or(end, |l| l.max(end)));
        if !country.is_empty() && !self.countries.contains(country) {
            self.countries.insert(country.to_string());
        }
    }

    /// The dataset's events whose ids start with `prefix` (an earlier import of the same
    /// source) that this export covers but does not have: `(id, title)`.
    pub fn missing(&self, b: &Builder<'_>, prefix: &str) -> Vec<(String, String)> {
        let (Some(first), Some(last)) = (self.first, self.last) else {
            return Vec::new();
        };
        let (from, to) = (
            crate::model::Day::from_date(first),
            crate::model::Day::from_date(last),
        );
        b.dataset()
            .events
            .iter()
            .filter(|e| e.id.starts_with(prefix) && !b.seen(&e.id))
            .filter(|e| e.date.valid().is_some_and(|d| d.overlaps(from, to)))
            .filter(|e| {
                e.place.as_ref().is_none_or(|p| {
                    p.country.is_empty() || self.countries.contains(p.country.as_str())
                })
            })
            .map(|e| (e.id.clone(), e.title.clone()))
            .collect()
    }
}

/// A record made by a row, waiting to be added or to update the one with its id.
pub struct Builder<'a> {
    ds: &'a Dataset,
    pub today: String,
    rng: fastrand::Rng,
    colors: ColorPicker,
    by_id: [FxHashMap<&'a str, usize>; 4],
    /// Lowercased names and aliases of actors, to their ids (existing and new).
    actor_names: FxHashMap<String, String>,
    /// Ids given out by this import (new records of every kind).
    taken: FxHashSet<String>,
    manifest: Option<Manifest>,
    new: [Vec<AnyRecord>; 4],
    replaced: Vec<(usize, AnyRecord)>,
    /// Ids read from this file (an id seen twice is a problem).
    seen: FxHashMap<String, u64>,
    pub added: Counts,
    pub updated: Counts,
    pub unchanged: Counts,
    pub new_actors: Vec<String>,
    pub new_terms: Vec<String>,
}

fn slot(kind: Kind) -> usize {
    match kind {
        Kind::Actor => 0,
        Kind::Source => 1,
        Kind::Event => 2,
        Kind::Claim => 3,
    }
}

fn norm(name: &str) -> String {
    name.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

impl<'a> Builder<'a> {
    pub fn new(ds: &'a Dataset, options: &Options) -> Builder<'a> {
        fn index<R: Keyed>(list: &[R]) -> FxHashMap<&str, usize> {
            list.iter().enumerate().map(|(i, r)| (r.key(), i)).collect()
        }
        let mut actor_names = FxHashMap::default();
        for a in &ds.actors {
            for n in std::iter::once(&a.name).chain(&a.aliases) {
                actor_names.entry(norm(n)).or_insert_with(|| a.id.clone());
            }
            actor_names
                .entry(norm(&a.id))
                .or_insert_with(|| a.id.clone());
        }
        Builder {
            ds,
            today: options.today.clone(),
            rng: fastrand::Rng::with_seed(options.seed),
            colors: ColorPicker::new(ds),
            by_id: [
                index(&ds.actors),
                index(&ds.sources),
                index(&ds.events),
                index(&ds.claims),
            ],
            actor_names,
            taken: FxHashSet::default(),
            manifest: None,
            new: Default::default(),
            replaced: Vec::new(),
            seen: FxHashMap::default(),
            added: Counts::default(),
            updated: Counts::default(),
            unchanged: Counts::default(),
            new_actors: Vec::new(),
            new_terms: Vec::new(),
        }
    }

    /// The dataset imported into.
    pub fn dataset(&self) -> &'a Dataset {
        self.ds
    }

    /// Whether `id` is a record of the dataset or of this import.
    pub fn id_taken(&self, id: &str) -> bool {
        self.by_id.iter().any(|m| m.contains_key(id)) || self.taken.contains(id)
    }

    /// The index of the dataset's record of `kind` with `id`.
    pub fn index_of(&self, kind: Kind, id: &str) -> Option<usize> {
        self.by_id[slot(kind)].get(id).copied()
    }

    /// Notes that the row at `line` makes the record `id`; returns the line of an earlier row
    /// that made it already.
    pub fn first_seen(&mut self, id: &str, line: u64) -> Option<u64> {
        match self.seen.get(id) {
            Some(&l) => Some(l),
            None => {
                self.seen.insert(id.to_string(), line);
                None
            }
        }
    }

    /// Whether this file made a record `id`.
    pub fn seen(&self, id: &str) -> bool {
        self.seen.contains_key(id)
    }

    /// The actor called `name` (its name, an alias or its id, in any case), created as
    /// `kind` when there is none. Empty names give `None`.
    pub fn actor(&mut self, name: &str, kind: impl FnOnce() -> ActorKind) -> Option<String> {
        let name = name.trim();
        if name.is_empty() {
            return None;
        }
        let key = norm(name);
        if let Some(id) = self.actor_names.get(&key) {
            return Some(id.clone());
        }
        let mut actor = Actor::new("", name, kind());
        actor.color = self.colors.next();
        actor.id = self.actor_id(&actor);
        let id = actor.id.clone();
        self.new_actors.push(name.to_string());
        self.actor_names.insert(key, id.clone());
        self.put(AnyRecord::Actor(actor));
        Some(id)
    }

    /// The id of a record this import makes from `content` (an actor's name, a claim's
    /// cells): the readable part, then eight characters of a hash of the content. The same
    /// content gives the same id in every import and on every clone — two curators who
    /// import the same actor or claim make one record, and git merges them without a
    /// conflict; different content with the same readable part differs in the hash.
    pub fn content_id(readable: &str, content: &str) -> String {
        let base = ids::slug(readable, 48);
        let suffix = ids::crockford(ids::fnv(content.as_bytes()));
        if base.is_empty() {
            suffix
        } else {
            format!("{base}-{suffix}")
        }
    }

    /// The id of a new actor: made from its name (the same name, the same id, in every
    /// import), or a random one in the unlikely case that id is taken.
    fn actor_id(&mut self, actor: &Actor) -> String {
        let readable = ids::actor_readable(actor);
        let id = Builder::content_id(&readable, &norm(&actor.name));
        if self.id_taken(&id) {
            self.fresh_id(&readable)
        } else {
            id
        }
    }

    /// A new id with `readable` as its readable part, used by no record.
    pub fn fresh_id(&mut self, readable: &str) -> String {
        let mut rng = std::mem::replace(&mut self.rng, fastrand::Rng::with_seed(0));
        let id = ids::fresh(readable, &mut rng, |id| self.id_taken(id));
        self.rng = rng;
        id
    }

    /// The actor named by `text` (an id, name or alias), or else by `name`; created when
    /// there is none, with `text` as its id when it is one nobody uses, and `name` as its
    /// name (`text` when `name` is empty).
    pub fn actor_named(&mut self, text: &str, name: &str, kind: ActorKind) -> Option<String> {
        let text = text.trim();
        let name = name.trim();
        for n in [text, name] {
            if !n.is_empty()
                && let Some(id) = self.actor_names.get(&norm(n))
            {
                return Some(id.clone());
            }
        }
        if text.is_empty() && name.is_empty() {
            return None;
        }
        let shown = if name.is_empty() { text } else { name };
        let mut actor = Actor::new("", shown, kind);
        actor.color = self.colors.next();
        actor.id = if crate::model::validate::is_valid_id(text) && !self.id_taken(text) {
            text.to_string()
        } else {
            self.actor_id(&actor)
        };
        let id = actor.id.clone();
        self.new_actors.push(shown.to_string());
        for n in [text, name, id.as_str()] {
            if !n.is_empty() {
                self.actor_names.insert(norm(n), id.clone());
            }
        }
        self.put(AnyRecord::Actor(actor));
        Some(id)
    }

    /// A fixed actor the import names (the claimant `acled`, `ucdp`): found by its id, its
    /// name or one of `aliases`, else created with them.
    pub fn known_actor(
        &mut self,
        id: &str,
        name: &str,
        aliases: &[&str],
        kind: ActorKind,
    ) -> String {
        for n in std::iter::once(id)
            .chain(std::iter::once(name))
            .chain(aliases.iter().copied())
        {
            if let Some(found) = self.actor_names.get(&norm(n)) {
                return found.clone();
            }
        }
        let mut actor = Actor::new(id, name, kind);
        actor.aliases = aliases.iter().map(|a| a.to_string()).collect();
        actor.color = self.colors.next();
        for n in std::iter::once(name).chain(aliases.iter().copied()) {
            self.actor_names.insert(norm(n), id.to_string());
        }
        self.actor_names.insert(norm(id), id.to_string());
        self.new_actors.push(name.to_string());
        self.put(AnyRecord::Actor(actor));
        id.to_string()
    }

    /// The export itself as a source (`id`), made once: what an imported figure was read in,
    /// each citation's locator naming the row (`locator`, said in the source's notes).
    pub fn export_source(&mut self, id: &str, title: &str, outlet: &str, locator: &str) {
        if self.id_taken(id) {
            return;
        }
        let mut s = crate::model::Source::new(id, title);
        s.outlet = outlet.into();
        s.accessed = Some(crate::model::DateText::new(&self.today));
        s.notes = format!("Read by crosscheck import; each citation's locator is {locator}.");
        self.put(AnyRecord::Source(s));
    }

    /// The subject of a per-event figure that counts everyone killed in it (ACLED's
    /// fatalities, UCDP's deaths), with the metric `killed` such figures are of. Returns the
    /// actor's id.
    pub fn all_parties(&mut self) -> String {
        self.metric("killed", "Killed", "");
        self.known_actor(
            "all-parties",
            "All parties to the event",
            &[],
            ActorKind::Other("aggregate".into()),
        )
    }

    fn manifest(&mut self) -> &mut Manifest {
        self.manifest
            .get_or_insert_with(|| self.ds.manifest.clone())
    }

    fn current_manifest(&self) -> &Manifest {
        self.manifest.as_ref().unwrap_or(&self.ds.manifest)
    }

    /// The metric named `text` (its id or name, in any case), added to the manifest when
    /// missing. Returns its id.
    pub fn metric_named(&mut self, text: &str) -> String {
        let text = text.trim();
        if let Some(m) = self
            .current_manifest()
            .metrics
            .iter()
            .find(|m| m.id == text || norm(&m.name) == norm(text))
        {
            return m.id.clone();
        }
        let id = if crate::model::validate::is_valid_id(text) {
            text.to_string()
        } else {
            ids::slug(text, 40).replace('-', "_")
        };
        self.metric(&id, text, "");
        id
    }

    /// The metric `id`, added to the manifest when missing.
    pub fn metric(&mut self, id: &str, name: &str, description: &str) {
        if self.current_manifest().metrics.iter().any(|m| m.id == id) {
            return;
        }
        self.manifest().metrics.push(Metric {
            id: id.into(),
            name: name.into(),
            description: description.into(),
            ..Metric::default()
        });
        self.new_terms.push(format!("metric {id} ({name})"));
    }

    /// Makes `parts` the parts of metric `id` (appending those it lacks).
    pub fn metric_parts(&mut self, id: &str, parts: &[&str]) {
        let lacking: Vec<String> = match self.current_manifest().metrics.iter().find(|m| m.id == id)
        {
            Some(m) => parts
                .iter()
                .filter(|p| !m.parts.iter().any(|q| q == *p))
                .map(|p| p.to_string())
                .collect(),
            None => return,
        };
        if lacking.is_empty() {
            return;
        }
        if let Some(m) = self.manifest().metrics.iter_mut().find(|m| m.id == id) {
            m.parts.extend(lacking.iter().cloned());
        }
        self.new_terms
            .push(format!("parts of {id}: {}", lacking.join(" + ")));
    }

    /// The event type named `name` (by id or name, in any case), added to the manifest with
    /// `description` when missing. Returns its id.
    pub fn event_type(&mut self, name: &str, description: &str) -> String {
        let name = name.trim();
        let id = ids::slug(name, 40).replace('-', "_");
        let id = if id.is_empty() {
            "other".to_string()
        } else {
            id
        };
        if let Some(t) = self
            .current_manifest()
            .event_types
            .iter()
            .find(|t| t.id == id || norm(&t.name) == norm(name))
        {
            return t.id.clone();
        }
        self.manifest().event_types.push(Term {
            id: id.clone(),
            name: if name.is_empty() {
                "Other".into()
            } else {
                name.into()
            },
            description: description.into(),
            origin: None,
        });
        self.new_terms.push(format!("event type {id} ({name})"));
        id
    }

    /// Adds `record`, or updates the record with its id: fields the import leaves unset keep
    /// what the dataset has (a curator's rank, notes, grading).
    pub fn put(&mut self, record: AnyRecord) {
        let kind = record.kind();
        let existing = self.by_id[slot(kind)].get(record.id()).copied();
        match existing {
            None => {
                self.taken.insert(record.id().to_string());
                self.added.add(kind);
                self.new[slot(kind)].push(record);
            }
            Some(i) => {
                let Some(old) = crate::model::edit::record_at(
                    self.ds,
                    crate::model::edit::Target { kind, index: i },
                ) else {
                    return;
                };
                let mut merged = match (&record, &old) {
                    (AnyRecord::Actor(n), AnyRecord::Actor(o)) => {
                        AnyRecord::Actor(keep_unset(n, o))
                    }
                    (AnyRecord::Source(n), AnyRecord::Source(o)) => {
                        AnyRecord::Source(keep_unset(n, o))
                    }
                    (AnyRecord::Event(n), AnyRecord::Event(o)) => {
                        AnyRecord::Event(keep_unset(n, o))
                    }
                    (AnyRecord::Claim(n), AnyRecord::Claim(o)) => {
                        AnyRecord::Claim(keep_unset(n, o))
                    }
                    _ => record,
                };
                merged.set_origin(old.origin());
                if merged == old {
                    self.unchanged.add(kind);
                } else {
                    self.updated.add(kind);
                    self.replaced.push((i, merged));
                }
            }
        }
    }

    /// The one edit that makes the import: the manifest, then updates, then new records at
    /// the end of each list.
    fn edit(self) -> Option<Edit> {
        let mut edits = Vec::new();
        if let Some(m) = self.manifest
            && m != self.ds.manifest
        {
            edits.push(Edit::Manifest(Box::new(m)));
        }
        for (index, record) in self.replaced {
            edits.push(Edit::Replace { index, record });
        }
        let lens = [
            self.ds.actors.len(),
            self.ds.sources.len(),
            self.ds.events.len(),
            self.ds.claims.len(),
        ];
        for (k, records) in self.new.into_iter().enumerate() {
            for (n, record) in records.into_iter().enumerate() {
                edits.push(Edit::Insert {
                    index: lens[k] + n,
                    record,
                });
            }
        }
        (!edits.is_empty()).then_some(Edit::Batch(edits))
    }
}

/// What a format does with the rows of a file.
pub trait Importer {
    /// The columns a file must have.
    fn required(&self) -> &'static [&'static str];
    /// Reads one row into the builder (noting problems in the row).
    fn row(&mut self, b: &mut Builder<'_>, row: &mut Row<'_>);
    /// Records of earlier imports that the file no longer has.
    fn missing(&self, _b: &Builder<'_>) -> Vec<(String, String)> {
        Vec::new()
    }
}

/// Counts the bytes read, for the progress bar.
struct Counting<'p, R> {
    inner: R,
    progress: &'p Progress,
}

impl<R: Read> Read for Counting<'_, R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.progress.done.fetch_add(n as u64, Ordering::Relaxed);
        Ok(n)
    }
}

/// The cell separator of the file at `path`: `,` — or `;` or a tab, when the header row
/// holds more of those (a sheet saved by a spreadsheet set to a European locale, a TSV).
fn delimiter(path: &Path) -> u8 {
    let mut first = Vec::new();
    if let Ok(f) = File::open(path) {
        let mut r = BufReader::new(f.take(1 << 16));
        io::BufRead::read_until(&mut r, b'\n', &mut first).ok();
    }
    let count = |c: u8| first.iter().filter(|&&b| b == c).count();
    [b',', b';', b'\t']
        .into_iter()
        .max_by_key(|&c| (count(c), c == b','))
        .unwrap_or(b',')
}

fn reader<R: Read>(delimiter: u8, r: R) -> csv::Reader<R> {
    csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter)
        .from_reader(r)
}

/// The header row of `path`, names trimmed and lowercased (a BOM dropped).
fn read_header(path: &Path) -> Result<Vec<String>, ImportError> {
    let file = File::open(path).map_err(|source| ImportError::Io {
        path: path.to_path_buf(),
        source,
    })?;
    let mut csv = reader(delimiter(path), BufReader::new(file));
    let mut record = csv::StringRecord::new();
    match csv.read_record(&mut record) {
        Ok(true) => Ok(header_names(&record)),
        Ok(false) => Err(ImportError::Empty {
            path: path.to_path_buf(),
        }),
        Err(e) => Err(header_error(path, &e)),
    }
}

fn header_names(record: &csv::StringRecord) -> Vec<String> {
    record
        .iter()
        .map(|h| h.trim_start_matches('\u{feff}').trim().to_lowercase())
        .collect()
}

/// The format of the file at `path`, told by its header.
pub fn detect(path: &Path) -> Result<Format, ImportError> {
    let header = read_header(path)?;
    Format::detect(&header).ok_or_else(|| {
        let mut shown = header
            .iter()
            .take(8)
            .cloned()
            .collect::<Vec<_>>()
            .join(", ");
        if header.len() > 8 {
            shown.push_str(", …");
        }
        ImportError::Unknown {
            path: path.to_path_buf(),
            header: shown,
        }
    })
}

/// Reads `path` as `options.format` into a plan for `ds`. Nothing is changed: apply
/// `plan.edit` to import.
pub fn plan(
    path: &Path,
    ds: &Dataset,
    options: &Options,
    progress: &Progress,
) -> Result<Plan, ImportError> {
    let io_err = |source| ImportError::Io {
        path: path.to_path_buf(),
        source,
    };
    let file = File::open(path).map_err(io_err)?;
    if let Ok(meta) = file.metadata() {
        progress.total.store(meta.len(), Ordering::Relaxed);
    }
    let reader = Counting {
        inner: BufReader::with_capacity(1 << 16, file),
        progress,
    };
    let delimiter = delimiter(path);
    let mut csv = self::reader(delimiter, reader);
    let mut record = csv::StringRecord::new();
    let header: Vec<String> = match csv.read_record(&mut record) {
        Ok(true) => header_names(&record),
        Ok(false) => {
            return Err(ImportError::Empty {
                path: path.to_path_buf(),
            });
        }
        Err(e) => return Err(header_error(path, &e)),
    };
    let mut importer: Box<dyn Importer> = match options.format {
        Format::Acled => Box::new(acled::Acled::default()),
        Format::UcdpGed => Box::new(ucdp::Ucdp::default()),
        Format::ClaimsCsv => Box::new(claims::Claims),
    };
    let sheet = Sheet::new(
        &header,
        &options.map,
        importer.required(),
        options.format,
        path,
    )?;
    let mut b = Builder::new(ds, options);
    let mut problems = Vec::new();
    let (mut rows, mut left_out) = (0usize, 0usize);
    loop {
        if rows % 1024 == 0 && progress.cancel.load(Ordering::Relaxed) {
            return Err(ImportError::Cancelled);
        }
        let (line, byte) = {
            let p = csv.position();
            (p.line(), p.byte())
        };
        match csv.read_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {}
            Err(e) => {
                rows += 1;
                left_out += 1;
                problems.push(read_problem(&e, line));
                continue;
            }
        }
        if record.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        rows += 1;
        let mut row = Row {
            sheet: &sheet,
            cells: &record,
            line: record.position().map_or(line, csv::Position::line),
            byte: record.position().map_or(byte, csv::Position::byte),
            problems: Vec::new(),
        };
        if record.len() != header.len() {
            row.problem(
                Level::Warning,
                None,
                format!(
                    "the row has {} cells where the header has {}",
                    record.len(),
                    header.len()
                ),
            );
        }
        // Importers read and check every cell before they make anything: a row with an
        // error adds nothing.
        importer.row(&mut b, &mut row);
        if row.has_errors() {
            left_out += 1;
        }
        problems.append(&mut row.problems);
    }
    locate(path, delimiter, &mut problems);
    let missing = importer.missing(&b);
    let new_actors = std::mem::take(&mut b.new_actors);
    let new_terms = std::mem::take(&mut b.new_terms);
    let (added, updated, unchanged) = (b.added, b.updated, b.unchanged);
    Ok(Plan {
        path: path.to_path_buf(),
        format: options.format,
        rows,
        rows_left_out: left_out,
        added,
        updated,
        unchanged,
        new_actors,
        new_terms,
        missing,
        problems,
        edit: b.edit(),
    })
}

fn header_error(path: &Path, e: &csv::Error) -> ImportError {
    match e.kind() {
        csv::ErrorKind::Io(io) => ImportError::Io {
            path: path.to_path_buf(),
            source: io::Error::new(io.kind(), io.to_string()),
        },
        _ => ImportError::Header {
            path: path.to_path_buf(),
            line: 1,
            col: 1,
            message: format!("the header row cannot be read: {e}"),
        },
    }
}

/// A row the csv reader could not read (text that is not UTF-8, a quote left open).
fn read_problem(e: &csv::Error, line: u64) -> Problem {
    let (line, byte, field, message) = match e.kind() {
        csv::ErrorKind::Utf8 { pos, err } => (
            pos.as_ref().map_or(line, csv::Position::line),
            pos.as_ref().map(csv::Position::byte),
            err.field(),
            "the cell is not UTF-8 text (save the sheet as CSV UTF-8)".to_string(),
        ),
        other => (line, None, 0, format!("the row cannot be read: {other:?}")),
    };
    Problem {
        level: Level::Error,
        line,
        col: 1,
        message,
        at: byte.map(|b| (b, field)),
    }
}

/// Turns each problem's row offset and cell into the line and column of the cell in the file,
/// by reading the row again and letting `csv_core` step over the cells before it. Rows hold
/// their own line; only the cells are found this way, so a file that cannot be read again
/// keeps the row's line and column 1.
fn locate(path: &Path, delimiter: u8, problems: &mut [Problem]) {
    let Ok(mut file) = File::open(path) else {
        return;
    };
    let mut buf = Vec::new();
    for p in problems.iter_mut() {
        let Some((byte, field)) = p.at.take() else {
            continue;
        };
        buf.clear();
        if file.seek(SeekFrom::Start(byte)).is_err()
            || (&mut file).take(1 << 20).read_to_end(&mut buf).is_err()
        {
            continue;
        }
        let start = field_start(&buf, delimiter, field);
        let before = &buf[..start.min(buf.len())];
        let newlines = before.iter().filter(|&&c| c == b'\n').count() as u64;
        let line_start = before
            .iter()
            .rposition(|&c| c == b'\n')
            .map_or(0, |i| i + 1);
        let col = String::from_utf8_lossy(&before[line_start..])
            .chars()
            .count() as u64
            + 1;
        p.line += newlines;
        p.col = col;
    }
}

/// The offset in `row` (a row's bytes onwards) at which cell `field` starts.
fn field_start(row: &[u8], delimiter: u8, field: usize) -> usize {
    let mut reader = csv_core::ReaderBuilder::new().delimiter(delimiter).build();
    let mut out = vec![0u8; row.len().max(1)];
    let mut at = 0;
    for _ in 0..field {
        let (result, nin, _) = reader.read_field(&row[at..], &mut out);
        at += nin;
        match result {
            csv_core::ReadFieldResult::Field { record_end: false } => {}
            _ => break,
        }
    }
    at
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_in_the_forms_exports_write() {
        let d = chrono::NaiveDate::from_ymd_opt(2024, 8, 10);
        for t in [
            "2024-08-10",
            "2024-08-10 00:00:00.000",
            "10 August 2024",
            "10-Aug-2024",
            "10/08/2024",
        ] {
            assert_eq!(parse_day(t), d, "{t}");
        }
        assert_eq!(parse_day("31 June 2024"), None);
        assert_eq!(parse_day("yesterday"), None);
    }

    #[test]
    fn cells_are_found_past_quoted_cells_with_commas_and_newlines() {
        let row = b"a,\"b, with comma\nand a line\",c,d\n";
        assert_eq!(field_start(row, b',', 0), 0);
        assert_eq!(field_start(row, b',', 1), 2);
        assert_eq!(
            &row[field_start(row, b',', 2)..field_start(row, b',', 2) + 1],
            b"c"
        );
        assert_eq!(
            &row[field_start(row, b',', 3)..field_start(row, b',', 3) + 1],
            b"d"
        );
    }
}
