//! The segment base kept in the project ([`crate::kept`]): the customer table with its value
//! columns, the names behind the line numbers, the portrait dimensions, and each customer's
//! purchase and event lines in chunks sorted by item id (events: by event type), which is the
//! item index `bought(item_id = …)` reads: only the chunks holding the wanted items are read.
//!
//! Parts of an entry:
//! - `meta`: JSON with the as-of date, whether there are events, and the dimensions' names and
//!   labels; `frame`: the customer table; `dimensions`: the dimensions' codes;
//! - `item_ids`, `items`, `categories`, `events`: the names, in number order; `item_map`: the
//!   distinct (item id, item, category) triples of the purchases;
//! - `purchases_start` / `events_start`: where each customer's lines begin; `purchases` /
//!   `events`: the lines, in chunks of at most [`CHUNK`] whose range is that of their sort key.

use super::base::{Lines, Names, SegmentBase};
use super::need::{Lines as Needed, Need};
use super::rule::Target;
use crate::customers::portrait::Dimension;
use crate::customers::scan::{Interner, NONE};
use crate::kept::{self, Entry, Inputs, Part, blob};
use crate::store::Project;
use crate::{Error, Result};
use polars::prelude::*;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeSet, HashSet};

const KIND: &str = "segment_base";

/// Lines per chunk.
pub const CHUNK: usize = 1 << 16;

/// The datasets and options a base is built from.
#[derive(Debug, Clone, Serialize)]
pub struct BaseKey {
    pub dataset: String,
    pub attributes: Option<String>,
    pub products: Option<String>,
    pub events: Option<String>,
    pub as_of: Option<String>,
    pub filter: Option<String>,
}

impl BaseKey {
    pub fn inputs(&self, project: &Project) -> Result<Inputs> {
        let key = serde_json::to_string(self).map_err(|e| Error::InvalidArgument(e.to_string()))?;
        let datasets: Vec<&str> = std::iter::once(&self.dataset)
            .chain(&self.attributes)
            .chain(&self.products)
            .chain(&self.events)
            .map(String::as_str)
            .collect();
        Inputs::new(project, KIND, key, &datasets)
    }
}

#[derive(Serialize, Deserialize)]
struct Meta {
    as_of: String,
    has_events: bool,
    customers: usize,
    dimensions: Vec<(String, Vec<String>)>,
}

/// The behaviour and the table read from a kept entry; what [`SegmentBase`] adds from the
/// catalog (tags, SQL source) is the caller's.
pub struct KeptBase {
    pub as_of: chrono::NaiveDate,
    pub frame: DataFrame,
    pub purchases: Lines,
    pub events: Option<Lines>,
    pub names: Names,
    pub dimensions: Vec<Dimension>,
}

fn names_frame(i: &Interner) -> Result<DataFrame> {
    let names: Vec<&str> = (0..i.len() as u32).filter_map(|k| i.name(k)).collect();
    Ok(DataFrame::new(
        names.len(),
        vec![Column::new("name".into(), names)],
    )?)
}

fn interner(bytes: &[u8]) -> Result<Interner> {
    let df = blob::from_bytes(bytes)?;
    let mut out = Interner::default();
    for n in blob::texts(&df, "name")? {
        out.id(n.unwrap_or_default().as_bytes());
    }
    Ok(out)
}

fn one(name: &'static str, data: Vec<u8>) -> Part {
    Part {
        name,
        seq: 0,
        range: None,
        data,
    }
}

/// Lines turned into parts as they come, customers in the table's order: each batch of
/// customers' lines in chunks sorted by their sort key (the item id; events: the event type),
/// then by position, each chunk a frame of the position and every column. A batch is sorted on
/// its own, so an item's lines may lie in a chunk of each batch; a reader finds them all by the
/// chunks' key ranges.
pub struct LineParts {
    name: &'static str,
    parts: Vec<Part>,
    start: Vec<usize>,
    /// The distinct (item id, item, category) of the lines.
    triples: Triples,
}

/// Distinct (item id, item, category) numbers.
type Triples = HashSet<(u32, u32, u32)>;

impl LineParts {
    pub fn new(name: &'static str) -> LineParts {
        LineParts {
            name,
            parts: Vec::new(),
            start: vec![0],
            triples: HashSet::new(),
        }
    }

    /// Adds the lines of the next customers (`lines.start` counted from their first line).
    pub fn add(&mut self, lines: &Lines) -> Result<()> {
        let offset = self.start.last().copied().unwrap_or(0);
        let total = offset + lines.len();
        if u32::try_from(total).is_err() {
            return Err(Error::InvalidArgument(format!(
                "more than {} {} lines: too many to keep",
                u32::MAX,
                self.name
            )));
        }
        let sort = if self.name == "purchases" {
            &lines.item_id
        } else {
            &lines.key
        };
        let mut order: Vec<u64> = (0..lines.len() as u64)
            .map(|i| (u64::from(sort[i as usize]) << 32) | i)
            .collect();
        order.sort_unstable();
        for chunk in order.chunks(CHUNK) {
            let at_u32 = |v: &[u32]| -> Vec<u32> {
                chunk
                    .iter()
                    .map(|&k| v[(k & 0xffff_ffff) as usize])
                    .collect()
            };
            let day: Vec<i32> = chunk
                .iter()
                .map(|&k| lines.day[(k & 0xffff_ffff) as usize])
                .collect();
            let amount: Vec<f64> = chunk
                .iter()
                .map(|&k| lines.amount[(k & 0xffff_ffff) as usize])
                .collect();
            let pos: Vec<u32> = chunk
                .iter()
                .map(|&k| (offset + (k & 0xffff_ffff) as usize) as u32)
                .collect();
            let columns = vec![
                Column::new("key".into(), at_u32(&lines.key)),
                Column::new("item_id".into(), at_u32(&lines.item_id)),
                Column::new("item".into(), at_u32(&lines.item)),
                Column::new("category".into(), at_u32(&lines.category)),
                Column::new("day".into(), day),
                Column::new("amount".into(), amount),
                Column::new("pos".into(), pos),
            ];
            let mut df = DataFrame::new(chunk.len(), columns)?;
            let lo = chunk.first().map_or(0, |k| k >> 32) as i64;
            let hi = chunk.last().map_or(0, |k| k >> 32) as i64;
            self.parts.push(Part {
                name: self.name,
                seq: self.parts.len() as i64,
                range: Some((lo, hi)),
                data: blob::to_bytes(&mut df)?,
            });
        }
        if self.name == "purchases" {
            self.triples.extend(
                (0..lines.len()).map(|j| (lines.item_id[j], lines.item[j], lines.category[j])),
            );
        }
        self.start
            .extend(lines.start.iter().skip(1).map(|&s| s + offset));
        Ok(())
    }

    /// Customers added so far.
    pub fn customers(&self) -> usize {
        self.start.len() - 1
    }

    /// The chunks and where each customer's lines begin.
    fn finish(mut self) -> Result<(Vec<Part>, Triples)> {
        let mut start = DataFrame::new(
            self.start.len(),
            vec![Column::new(
                "start".into(),
                self.start.iter().map(|&s| s as u64).collect::<Vec<u64>>(),
            )],
        )?;
        self.parts.push(Part {
            name: start_part(self.name),
            seq: 0,
            range: None,
            data: blob::to_bytes(&mut start)?,
        });
        Ok((self.parts, self.triples))
    }
}

/// All of `lines` as parts.
fn line_parts(name: &'static str, lines: &Lines) -> Result<LineParts> {
    let mut out = LineParts::new(name);
    out.add(lines)?;
    Ok(out)
}

fn start_part(name: &str) -> &'static str {
    if name == "purchases" {
        "purchases_start"
    } else {
        "events_start"
    }
}

/// Writes `base` as the entry for `inputs`.
pub fn write(project: &Project, inputs: &Inputs, base: &SegmentBase) -> Result<()> {
    let header = Header {
        as_of: base.as_of,
        frame: &base.frame,
        dimensions: &base.dimensions,
        names: &base.names,
        events: base.events.as_ref(),
    };
    write_with(
        project,
        inputs,
        &header,
        line_parts("purchases", &base.purchases)?,
    )
}

/// What an entry holds besides its purchases.
pub struct Header<'a> {
    pub as_of: chrono::NaiveDate,
    pub frame: &'a DataFrame,
    pub dimensions: &'a [Dimension],
    pub names: &'a Names,
    pub events: Option<&'a Lines>,
}

/// Writes the entry for `inputs` of `header` and the purchases already in parts.
pub fn write_with(
    project: &Project,
    inputs: &Inputs,
    header: &Header<'_>,
    purchases: LineParts,
) -> Result<()> {
    let customers = header.frame.height();
    if purchases.customers() != customers {
        return Err(Error::InvalidArgument(
            "the purchases and the customer table disagree on the number of customers".into(),
        ));
    }
    let meta = Meta {
        as_of: header.as_of.to_string(),
        has_events: header.events.is_some(),
        customers,
        dimensions: header
            .dimensions
            .iter()
            .map(|d| (d.name.clone(), d.labels.clone()))
            .collect(),
    };
    let meta = serde_json::to_vec(&meta).map_err(|e| Error::InvalidArgument(e.to_string()))?;
    let mut parts = vec![one("meta", meta)];
    parts.push(one("frame", blob::to_bytes(&mut header.frame.clone())?));
    let dims: Vec<Column> = header
        .dimensions
        .iter()
        .enumerate()
        .map(|(i, d)| Column::new(format!("d{i}").into(), d.codes.clone()))
        .collect();
    parts.push(one(
        "dimensions",
        blob::to_bytes(&mut DataFrame::new(customers, dims)?)?,
    ));
    for (name, i) in [
        ("item_ids", &header.names.item_ids),
        ("items", &header.names.items),
        ("categories", &header.names.categories),
        ("event_names", &header.names.events),
    ] {
        parts.push(one(name, blob::to_bytes(&mut names_frame(i)?)?));
    }
    let (lines, triples) = purchases.finish()?;
    let triples: BTreeSet<(u32, u32, u32)> = triples.into_iter().collect();
    let mut map = DataFrame::new(
        triples.len(),
        vec![
            Column::new(
                "item_id".into(),
                triples.iter().map(|t| t.0).collect::<Vec<u32>>(),
            ),
            Column::new(
                "item".into(),
                triples.iter().map(|t| t.1).collect::<Vec<u32>>(),
            ),
            Column::new(
                "category".into(),
                triples.iter().map(|t| t.2).collect::<Vec<u32>>(),
            ),
        ],
    )?;
    parts.push(one("item_map", blob::to_bytes(&mut map)?));
    parts.extend(lines);
    if let Some(e) = header.events {
        parts.extend(line_parts("events", e)?.finish()?.0);
    }
    kept::write(project, inputs, &parts)
}

/// The kept entry for `inputs` with the lines `need` names, or `None` when nothing valid is
/// kept.
pub fn read(project: &Project, inputs: &Inputs, need: &Need) -> Result<Option<KeptBase>> {
    let Some(entry) = kept::find(project, inputs)? else {
        return Ok(None);
    };
    let meta: Meta = serde_json::from_slice(&entry.part(project, "meta")?)
        .map_err(|e| Error::InvalidArgument(format!("the kept table's description: {e}")))?;
    let as_of = chrono::NaiveDate::parse_from_str(&meta.as_of, "%Y-%m-%d")
        .map_err(|e| Error::InvalidArgument(format!("the kept table's as-of date: {e}")))?;
    let frame = blob::from_bytes(&entry.part(project, "frame")?)?;
    let codes = blob::from_bytes(&entry.part(project, "dimensions")?)?;
    let dimensions = meta
        .dimensions
        .into_iter()
        .enumerate()
        .map(|(i, (name, labels))| {
            Ok(Dimension {
                name,
                labels,
                codes: blob::u32s(&codes, &format!("d{i}"))?,
            })
        })
        .collect::<Result<Vec<_>>>()?;
    let names = Names {
        item_ids: interner(&entry.part(project, "item_ids")?)?,
        items: interner(&entry.part(project, "items")?)?,
        categories: interner(&entry.part(project, "categories")?)?,
        events: interner(&entry.part(project, "event_names")?)?,
    };
    let purchases = match &need.purchases {
        Needed::None => empty_lines(meta.customers),
        Needed::All => read_lines(project, &entry, "purchases", None)?,
        Needed::Some(wanted) => {
            let ids = item_ids_of(project, &entry, &names, wanted)?;
            read_lines(project, &entry, "purchases", Some(&ids))?
        }
    };
    let events = if meta.has_events {
        Some(match &need.events {
            Needed::None => empty_lines(meta.customers),
            Needed::All => read_lines(project, &entry, "events", None)?,
            Needed::Some(wanted) => {
                let keys: BTreeSet<u32> =
                    wanted.iter().filter_map(|e| names.events.get(e)).collect();
                read_lines(project, &entry, "events", Some(&keys))?
            }
        })
    } else {
        None
    };
    if frame.height() != meta.customers || purchases.start.len() != meta.customers + 1 {
        return Err(Error::InvalidArgument(
            "the kept table's parts disagree on the number of customers".into(),
        ));
    }
    Ok(Some(KeptBase {
        as_of,
        frame,
        purchases,
        events,
        names,
        dimensions,
    }))
}

fn empty_lines(customers: usize) -> Lines {
    Lines {
        start: vec![0; customers + 1],
        ..Lines::default()
    }
}

/// The item id numbers whose lines hold the wanted values (item ids, items or categories),
/// through the distinct triples of the purchases.
fn item_ids_of(
    project: &Project,
    entry: &Entry,
    names: &Names,
    wanted: &BTreeSet<(Target, String)>,
) -> Result<BTreeSet<u32>> {
    let mut ids = BTreeSet::new();
    let mut by_name: Vec<(Target, u32)> = Vec::new();
    for (t, v) in wanted {
        match t {
            Target::ItemId => ids.extend(names.item_ids.get(v)),
            Target::Item => by_name.extend(names.items.get(v).map(|k| (*t, k))),
            Target::Category => by_name.extend(names.categories.get(v).map(|k| (*t, k))),
        }
    }
    if !by_name.is_empty() {
        let map = blob::from_bytes(&entry.part(project, "item_map")?)?;
        let (id, item, category) = (
            blob::u32s(&map, "item_id")?,
            blob::u32s(&map, "item")?,
            blob::u32s(&map, "category")?,
        );
        for j in 0..id.len() {
            if by_name.iter().any(|&(t, k)| match t {
                Target::Item => item[j] == k,
                _ => category[j] == k,
            }) {
                ids.insert(id[j]);
            }
        }
    }
    Ok(ids)
}

/// Lines of one chunk: columns by name.
struct Chunk {
    pos: Vec<u32>,
    key: Vec<u32>,
    item_id: Vec<u32>,
    item: Vec<u32>,
    category: Vec<u32>,
    day: Vec<i32>,
    amount: Vec<f64>,
}

fn chunk(bytes: &[u8]) -> Result<Chunk> {
    let df = blob::from_bytes(bytes)?;
    let i32s = df
        .column("day")?
        .i32()?
        .iter()
        .map(|v| v.unwrap_or(0))
        .collect();
    let f64s = df
        .column("amount")?
        .f64()?
        .iter()
        .map(|v| v.unwrap_or(0.0))
        .collect();
    Ok(Chunk {
        pos: blob::u32s(&df, "pos")?,
        key: blob::u32s(&df, "key")?,
        item_id: blob::u32s(&df, "item_id")?,
        item: blob::u32s(&df, "item")?,
        category: blob::u32s(&df, "category")?,
        day: i32s,
        amount: f64s,
    })
}

/// The lines of part `name` (all, or those whose sort key is in `only`), per customer in their
/// original order.
fn read_lines(
    project: &Project,
    entry: &Entry,
    name: &'static str,
    only: Option<&BTreeSet<u32>>,
) -> Result<Lines> {
    let start_df = blob::from_bytes(&entry.part(project, start_part(name))?)?;
    let start: Vec<usize> = start_df
        .column("start")?
        .u64()?
        .iter()
        .map(|v| v.unwrap_or(0) as usize)
        .collect();
    let total = start.last().copied().unwrap_or(0);
    let sorted_by_key = name == "events";
    let Some(only) = only else {
        let mut out = Lines {
            start,
            day: vec![0; total],
            key: vec![0; total],
            item_id: vec![NONE; total],
            item: vec![NONE; total],
            category: vec![NONE; total],
            amount: vec![0.0; total],
        };
        for bytes in entry.parts(project, name)? {
            let c = chunk(&bytes)?;
            for (j, &p) in c.pos.iter().enumerate() {
                let p = p as usize;
                if p >= total {
                    return Err(Error::InvalidArgument(
                        "a kept line lies outside its table".into(),
                    ));
                }
                out.day[p] = c.day[j];
                out.key[p] = c.key[j];
                out.item_id[p] = c.item_id[j];
                out.item[p] = c.item[j];
                out.category[p] = c.category[j];
                out.amount[p] = c.amount[j];
            }
        }
        return Ok(out);
    };
    let mut seqs = BTreeSet::new();
    for &v in only {
        seqs.extend(entry.parts_holding(project, name, i64::from(v))?);
    }
    // (position, chunk, row) of the wanted lines.
    let mut chunks = Vec::new();
    let mut picked: Vec<(u32, usize, usize)> = Vec::new();
    for seq in seqs {
        let c = chunk(&entry.part_at(project, name, seq)?)?;
        let sort = if sorted_by_key { &c.key } else { &c.item_id };
        for (j, s) in sort.iter().enumerate() {
            if only.contains(s) {
                picked.push((c.pos[j], chunks.len(), j));
            }
        }
        chunks.push(c);
    }
    picked.sort_unstable();
    let customers = start.len().saturating_sub(1);
    let mut out = Lines::default();
    out.start.push(0);
    let mut next = picked.iter().peekable();
    for c in 0..customers {
        while let Some(&&(p, k, j)) = next.peek() {
            if p as usize >= start[c + 1] {
                break;
            }
            let ch = &chunks[k];
            out.day.push(ch.day[j]);
            out.key.push(ch.key[j]);
            out.item_id.push(ch.item_id[j]);
            out.item.push(ch.item[j]);
            out.category.push(ch.category[j]);
            out.amount.push(ch.amount[j]);
            next.next();
        }
        out.start.push(out.day.len());
    }
    Ok(out)
}
