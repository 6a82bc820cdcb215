//! A small FNV-1a hasher for look-up tables keyed by short strings (identifiers, names).
//! Faster than the default SipHash on such keys; collision resistance against crafted
//! input does not matter for a long list the provider exports itself. Tables using it are
//! only looked up, never iterated, so results never depend on hash order.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

#[derive(Default)]
pub(crate) struct Fnv(u64);

impl Hasher for Fnv {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        let mut h = if self.0 == 0 { 0xcbf2_9ce4_8422_2325 } else { self.0 };
        for b in bytes {
            h ^= u64::from(*b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
        self.0 = h;
    }
}

pub(crate) type FnvMap<K, V> = HashMap<K, V, BuildHasherDefault<Fnv>>;

pub(crate) fn map<K, V>(capacity: usize) -> FnvMap<K, V> {
    FnvMap::with_capacity_and_hasher(capacity, BuildHasherDefault::default())
}
