//! A small Mapbox Vector Tile (MVT 2.1) writer: just the protobuf messages a point layer needs.
//!
//! ```text
//! Tile    { repeated Layer layers = 3; }
//! Layer   { uint32 version = 15; string name = 1; repeated Feature features = 2;
//!           repeated string keys = 3; repeated Value values = 4; uint32 extent = 5; }
//! Feature { uint64 id = 1; repeated uint32 tags = 2 [packed]; GeomType type = 3;
//!           repeated uint32 geometry = 4 [packed]; }
//! Value   { string string_value = 1; uint64 uint_value = 5; … }
//! ```

use std::collections::HashMap;

use crate::text::Interner;

/// Tile coordinates run from 0 to `EXTENT` across a tile.
pub const EXTENT: u32 = 4096;

/// The protobuf wire types used here.
const VARINT: u32 = 0;
const LEN: u32 = 2;

/// `GeomType.POINT`.
const POINT: u64 = 1;

/// A property value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Value<'a> {
    Str(&'a str),
    Uint(u64),
}

/// Appends a base-128 varint.
fn varint(out: &mut Vec<u8>, mut v: u64) {
    while v >= 0x80 {
        out.push((v as u8 & 0x7f) | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

fn key(out: &mut Vec<u8>, field: u32, wire: u32) {
    varint(out, u64::from(field << 3 | wire));
}

fn bytes_field(out: &mut Vec<u8>, field: u32, bytes: &[u8]) {
    key(out, field, LEN);
    varint(out, bytes.len() as u64);
    out.extend_from_slice(bytes);
}

fn varint_field(out: &mut Vec<u8>, field: u32, v: u64) {
    key(out, field, VARINT);
    varint(out, v);
}

/// ZigZag encoding of a signed parameter of a geometry command.
fn zigzag(v: i32) -> u32 {
    ((v << 1) ^ (v >> 31)) as u32
}

/// One layer under construction: features are encoded as they come, keys and values
/// are shared (deduplicated) across the layer's features.
pub struct LayerBuilder {
    name: String,
    features: Vec<u8>,
    keys: Interner,
    values: Vec<u8>,
    value_count: u32,
    value_ids: HashMap<Value<'static>, u32>,
    strings: HashMap<String, u32>,
    /// Scratch buffers, reused between features.
    tags: Vec<u8>,
    feature: Vec<u8>,
    count: usize,
}

impl LayerBuilder {
    /// An empty layer.
    pub fn new(name: &str) -> LayerBuilder {
        LayerBuilder {
            name: name.to_owned(),
            features: Vec::new(),
            keys: Interner::default(),
            values: Vec::new(),
            value_count: 0,
            value_ids: HashMap::new(),
            strings: HashMap::new(),
            tags: Vec::new(),
            feature: Vec::new(),
            count: 0,
        }
    }

    /// How many features the layer has.
    pub fn len(&self) -> usize {
        self.count
    }

    /// Whether the layer has no feature.
    pub fn is_empty(&self) -> bool {
        self.count == 0
    }

    fn key_id(&mut self, k: &str) -> u32 {
        self.keys.intern(k).0
    }

    fn value_id(&mut self, v: Value<'_>) -> u32 {
        let found = match v {
            Value::Str(s) => self.strings.get(s).copied(),
            Value::Uint(n) => self.value_ids.get(&Value::Uint(n)).copied(),
        };
        if let Some(id) = found {
            return id;
        }
        let id = self.value_count;
        self.value_count += 1;
        let mut msg = Vec::new();
        match v {
            Value::Str(s) => {
                bytes_field(&mut msg, 1, s.as_bytes());
                self.strings.insert(s.to_owned(), id);
            }
            Value::Uint(n) => {
                varint_field(&mut msg, 5, n);
                self.value_ids.insert(Value::Uint(n), id);
            }
        }
        bytes_field(&mut self.values, 4, &msg);
        id
    }

    /// Adds a point at tile coordinates `(x, y)` (0..EXTENT inside the tile; outside values
    /// are allowed for a buffer) with an id and properties.
    pub fn add_point(&mut self, id: u64, x: i32, y: i32, props: &[(&str, Value<'_>)]) {
        self.tags.clear();
        for (k, v) in props {
            let k = self.key_id(k);
            let v = self.value_id(*v);
            varint(&mut self.tags, u64::from(k));
            varint(&mut self.tags, u64::from(v));
        }
        let mut geometry = Vec::with_capacity(12);
        varint(&mut geometry, 1 << 3 | 1); // MoveTo, count 1
        varint(&mut geometry, u64::from(zigzag(x)));
        varint(&mut geometry, u64::from(zigzag(y)));

        self.feature.clear();
        varint_field(&mut self.feature, 1, id);
        if !self.tags.is_empty() {
            let tags = std::mem::take(&mut self.tags);
            bytes_field(&mut self.feature, 2, &tags);
            self.tags = tags;
        }
        varint_field(&mut self.feature, 3, POINT);
        bytes_field(&mut self.feature, 4, &geometry);
        let feature = std::mem::take(&mut self.feature);
        bytes_field(&mut self.features, 2, &feature);
        self.feature = feature;
        self.count += 1;
    }

    /// The encoded `Layer` message.
    pub fn finish(self) -> Vec<u8> {
        let mut out = Vec::with_capacity(self.features.len() + self.values.len() + 64);
        varint_field(&mut out, 15, 2);
        bytes_field(&mut out, 1, self.name.as_bytes());
        out.extend_from_slice(&self.features);
        for k in self.keys.strings() {
            bytes_field(&mut out, 3, k.as_bytes());
        }
        out.extend_from_slice(&self.values);
        varint_field(&mut out, 5, u64::from(EXTENT));
        out
    }
}

/// A `Tile` message from encoded layers (empty layers are left out).
pub fn tile(layers: Vec<LayerBuilder>) -> Vec<u8> {
    let mut out = Vec::new();
    for layer in layers {
        if layer.is_empty() {
            continue;
        }
        bytes_field(&mut out, 3, &layer.finish());
    }
    out
}

#[cfg(test)]
pub(crate) mod decode {
    //! A minimal MVT reader for the tests: enough to read back what [`super`] writes.

    use std::collections::BTreeMap;

    #[derive(Debug, Clone, PartialEq)]
    pub enum Val {
        Str(String),
        Uint(u64),
    }

    #[derive(Debug)]
    pub struct Feature {
        pub id: u64,
        pub kind: u64,
        pub x: i32,
        pub y: i32,
        pub props: BTreeMap<String, Val>,
    }

    #[derive(Debug)]
    pub struct Layer {
        pub version: u64,
        pub name: String,
        pub extent: u64,
        pub features: Vec<Feature>,
    }

    struct Reader<'a> {
        buf: &'a [u8],
        pos: usize,
    }

    impl<'a> Reader<'a> {
        fn new(buf: &'a [u8]) -> Self {
            Reader { buf, pos: 0 }
        }
        fn done(&self) -> bool {
            self.pos >= self.buf.len()
        }
        fn varint(&mut self) -> u64 {
            let mut v = 0u64;
            let mut shift = 0;
            loop {
                let b = self.buf[self.pos];
                self.pos += 1;
                v |= u64::from(b & 0x7f) << shift;
                if b < 0x80 {
                    return v;
                }
                shift += 7;
            }
        }
        fn bytes(&mut self) -> &'a [u8] {
            let n = self.varint() as usize;
            let s = &self.buf[self.pos..self.pos + n];
            self.pos += n;
            s
        }
        /// (field, wire type)
        fn key(&mut self) -> (u64, u64) {
            let k = self.varint();
            (k >> 3, k & 7)
        }
    }

    fn packed(buf: &[u8]) -> Vec<u64> {
        let mut r = Reader::new(buf);
        let mut out = Vec::new();
        while !r.done() {
            out.push(r.varint());
        }
        out
    }

    fn unzigzag(v: u64) -> i32 {
        ((v >> 1) as i64 ^ -((v & 1) as i64)) as i32
    }

    /// Reads every layer of a tile.
    pub fn tile(buf: &[u8]) -> Vec<Layer> {
        let mut r = Reader::new(buf);
        let mut layers = Vec::new();
        while !r.done() {
            let (f, w) = r.key();
            assert_eq!((f, w), (3, 2), "Tile has only layers");
            layers.push(layer(r.bytes()));
        }
        layers
    }

    fn layer(buf: &[u8]) -> Layer {
        let mut r = Reader::new(buf);
        let (mut version, mut name, mut extent) = (0, String::new(), 0);
        let mut raw_features = Vec::new();
        let mut keys = Vec::new();
        let mut values = Vec::new();
        while !r.done() {
            match r.key() {
                (15, 0) => version = r.varint(),
                (1, 2) => name = String::from_utf8(r.bytes().to_vec()).unwrap(),
                (2, 2) => raw_features.push(r.bytes()),
                (3, 2) => keys.push(String::from_utf8(r.bytes().to_vec()).unwrap()),
                (4, 2) => {
                    let mut v = Reader::new(r.bytes());
                    match v.key() {
                        (1, 2) => {
                            values.push(Val::Str(String::from_utf8(v.bytes().to_vec()).unwrap()))
                        }
                        (5, 0) => values.push(Val::Uint(v.varint())),
                        other => panic!("value field {other:?}"),
                    }
                }
                (5, 0) => extent = r.varint(),
                other => panic!("layer field {other:?}"),
            }
        }
        let features = raw_features
            .into_iter()
            .map(|buf| {
                let mut r = Reader::new(buf);
                let (mut id, mut kind, mut tags, mut geom) = (0, 0, Vec::new(), Vec::new());
                while !r.done() {
                    match r.key() {
                        (1, 0) => id = r.varint(),
                        (2, 2) => tags = packed(r.bytes()),
                        (3, 0) => kind = r.varint(),
                        (4, 2) => geom = packed(r.bytes()),
                        other => panic!("feature field {other:?}"),
                    }
                }
                assert_eq!(geom.len(), 3, "one MoveTo with one point");
                assert_eq!(geom[0], 9, "MoveTo, count 1");
                let props = tags
                    .chunks(2)
                    .map(|kv| (keys[kv[0] as usize].clone(), values[kv[1] as usize].clone()))
                    .collect();
                Feature {
                    id,
                    kind,
                    x: unzigzag(geom[1]),
                    y: unzigzag(geom[2]),
                    props,
                }
            })
            .collect();
        Layer {
            version,
            name,
            extent,
            features,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::decode::{self, Val};
    use super::*;

    #[test]
    fn varints_and_zigzag() {
        let mut b = Vec::new();
        varint(&mut b, 300);
        assert_eq!(b, [0xac, 0x02]);
        assert_eq!(zigzag(0), 0);
        assert_eq!(zigzag(-1), 1);
        assert_eq!(zigzag(1), 2);
        assert_eq!(zigzag(-64), 127);
    }

    #[test]
    fn round_trip_of_a_layer() {
        let mut l = LayerBuilder::new("places");
        l.add_point(
            7,
            10,
            4000,
            &[
                ("name", Value::Str("Chùa Keo")),
                ("kind", Value::Str("tourist_site")),
            ],
        );
        l.add_point(
            8,
            -5,
            4100,
            &[
                ("kind", Value::Str("tourist_site")),
                ("count", Value::Uint(12)),
            ],
        );
        let t = tile(vec![l, LayerBuilder::new("empty")]);
        let layers = decode::tile(&t);
        assert_eq!(layers.len(), 1, "the empty layer is left out");
        let l = &layers[0];
        assert_eq!((l.version, l.name.as_str(), l.extent), (2, "places", 4096));
        assert_eq!(l.features.len(), 2);
        let f = &l.features[0];
        assert_eq!((f.id, f.kind, f.x, f.y), (7, 1, 10, 4000));
        assert_eq!(f.props["name"], Val::Str("Chùa Keo".into()));
        let g = &l.features[1];
        assert_eq!((g.x, g.y), (-5, 4100));
        assert_eq!(g.props["kind"], Val::Str("tourist_site".into()));
        assert_eq!(g.props["count"], Val::Uint(12));
    }
}
