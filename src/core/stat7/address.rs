//! Content addressing of bit-chains (rules 5 and 6 of docs/STAT7.md): the
//! canonical object of an entity, its SHA-256 address and its `stat7://` URI.

use serde_json::{Map, Value};
use sha2::{Digest, Sha256};

use super::canonical::{Node, format_timestamp_ms, write_str};
use super::float::format_float_field;
use super::{Coordinates, EntityType, Realm, Stat7Error};

/// One addressable thing (in seedsim, an entity) with everything its address
/// is computed from.
#[derive(Clone, Debug, PartialEq)]
pub struct BitChain {
    /// Stable identifier.
    pub id: String,
    /// What kind of thing this is.
    pub entity_type: EntityType,
    /// Realm of the bit-chain itself (normally equal to `coordinates.realm`).
    pub realm: Realm,
    /// Its seven coordinates.
    pub coordinates: Coordinates,
    /// Creation time, Unix milliseconds (UTC).
    pub created_at_ms: i64,
    /// Free-form state; hashed with sorted keys and unrounded floats.
    pub state: Map<String, Value>,
}

impl BitChain {
    /// The canonical JSON this bit-chain's address is the hash of.
    ///
    /// Keys: `created_at, entity_type, id, realm, stat7_coordinates, state`;
    /// adjacency is sorted (without touching `self`), coordinate floats follow
    /// rule 1.
    pub fn canonical(&self) -> Result<String, Stat7Error> {
        let c = &self.coordinates;
        let created_at = format_timestamp_ms(self.created_at_ms);
        let adjacency = sorted_adjacency(c);
        let coordinates = Node::Object(vec![
            (
                "adjacency",
                Node::List(adjacency.into_iter().map(Node::Str).collect()),
            ),
            (
                "density",
                coordinate(c.density, "stat7_coordinates.density")?,
            ),
            ("horizon", Node::Str(c.horizon.as_str())),
            ("lineage", Node::Number(c.lineage.to_string())),
            ("realm", Node::Str(c.realm.as_str())),
            (
                "resonance",
                coordinate(c.resonance, "stat7_coordinates.resonance")?,
            ),
            (
                "velocity",
                coordinate(c.velocity, "stat7_coordinates.velocity")?,
            ),
        ]);
        let root = Node::Object(vec![
            ("created_at", Node::Str(&created_at)),
            ("entity_type", Node::Str(self.entity_type.as_str())),
            ("id", Node::Str(&self.id)),
            ("realm", Node::Str(self.realm.as_str())),
            ("stat7_coordinates", coordinates),
            ("state", Node::JsonObject(&self.state)),
        ]);
        let mut out = String::new();
        root.write(&mut out)?;
        Ok(out)
    }

    /// The content address: lowercase hex SHA-256 of [`BitChain::canonical`].
    pub fn address(&self) -> Result<String, Stat7Error> {
        Ok(sha256_hex(self.canonical()?.as_bytes()))
    }

    /// The `stat7://` URI of this bit-chain's coordinates.
    pub fn uri(&self) -> Result<String, Stat7Error> {
        self.coordinates.uri()
    }
}

impl Coordinates {
    /// `stat7://{realm}/{lineage}/{adj8}/{horizon}?r={resonance}&v={velocity}&d={density}`,
    /// the three numbers formatted by rule 1.
    pub fn uri(&self) -> Result<String, Stat7Error> {
        let r = format_float_field(self.resonance, "stat7_coordinates.resonance")?;
        let v = format_float_field(self.velocity, "stat7_coordinates.velocity")?;
        let d = format_float_field(self.density, "stat7_coordinates.density")?;
        Ok(format!(
            "stat7://{}/{}/{}/{}?r={r}&v={v}&d={d}",
            self.realm.as_str(),
            self.lineage,
            self.adjacency_hash8(),
            self.horizon.as_str(),
        ))
    }

    /// First 8 hex characters of SHA-256 of `{"adjacency":[...sorted]}`.
    pub fn adjacency_hash8(&self) -> String {
        // Strings only, so this is written directly rather than through the
        // fallible node writer.
        let mut json = String::from("{\"adjacency\":[");
        for (i, id) in sorted_adjacency(self).into_iter().enumerate() {
            if i > 0 {
                json.push(',');
            }
            write_str(id, &mut json);
        }
        json.push_str("]}");
        let mut hex = sha256_hex(json.as_bytes());
        hex.truncate(8);
        hex
    }
}

/// Adjacency ids in code-point order (`str`'s `Ord` compares UTF-8 bytes,
/// which orders like code points).
fn sorted_adjacency(c: &Coordinates) -> Vec<&str> {
    let mut ids: Vec<&str> = c.adjacency.iter().map(String::as_str).collect();
    ids.sort_unstable();
    ids
}

fn coordinate(x: f64, field: &'static str) -> Result<Node<'static>, Stat7Error> {
    Ok(Node::Number(format_float_field(x, field)?))
}

/// Lowercase hex SHA-256 of `bytes` (64 characters).
pub fn sha256_hex(bytes: &[u8]) -> String {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let digest = Sha256::digest(bytes);
    let mut out = String::with_capacity(64);
    for byte in &digest {
        out.push(char::from(HEX[usize::from(byte >> 4)]));
        out.push(char::from(HEX[usize::from(byte & 0xf)]));
    }
    out
}
