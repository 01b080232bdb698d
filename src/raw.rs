//! Arrays of plain values stored as one run of bytes (little-endian, fixed width per value), for
//! the large arrays of a library's snapshot (`#[serde(with = "crate::raw")]`).
//!
//! Through serde, an array of numbers is a sequence that MessagePack encodes, and decodes, one
//! element at a time: at registry size the search index's keys alone took 1.5 s to decode.
//! As bytes, MessagePack carries it as one binary value, copied once and converted by a loop
//! the compiler turns into a copy. A value that does not decode (a length that is not a
//! multiple of the width, a discriminant out of range) is an error, as any damaged input is.

use serde::de::{self, Deserializer, Visitor};
use serde::ser::Serializer;

/// A value of fixed width, written as little-endian bytes.
pub trait Plain: Sized + Copy {
    /// Bytes per value.
    const WIDTH: usize;
    fn put(self, out: &mut Vec<u8>);
    /// The value of exactly [`Plain::WIDTH`] bytes, if they are one.
    fn take(bytes: &[u8]) -> Option<Self>;
}

macro_rules! plain_int {
    ($($t:ty),*) => {$(
        impl Plain for $t {
            const WIDTH: usize = std::mem::size_of::<$t>();
            fn put(self, out: &mut Vec<u8>) {
                out.extend_from_slice(&self.to_le_bytes());
            }
            #[inline]
            fn take(bytes: &[u8]) -> Option<Self> {
                Some(<$t>::from_le_bytes(bytes.try_into().ok()?))
            }
        }
    )*};
}

plain_int!(u8, u16, u32, u64, f64);

impl<A: Plain, B: Plain> Plain for (A, B) {
    const WIDTH: usize = A::WIDTH + B::WIDTH;
    fn put(self, out: &mut Vec<u8>) {
        self.0.put(out);
        self.1.put(out);
    }
    #[inline]
    fn take(bytes: &[u8]) -> Option<Self> {
        Some((A::take(&bytes[..A::WIDTH])?, B::take(&bytes[A::WIDTH..])?))
    }
}

impl<T: Plain, const N: usize> Plain for [T; N] {
    const WIDTH: usize = T::WIDTH * N;
    fn put(self, out: &mut Vec<u8>) {
        for x in self {
            x.put(out);
        }
    }
    #[inline]
    fn take(bytes: &[u8]) -> Option<Self> {
        let mut out = [T::take(&bytes[..T::WIDTH])?; N];
        for (i, slot) in out.iter_mut().enumerate().skip(1) {
            *slot = T::take(&bytes[i * T::WIDTH..(i + 1) * T::WIDTH])?;
        }
        Some(out)
    }
}

/// An owned array of plain values: `Vec<T>` or `Box<[T]>`.
pub trait Array: Sized {
    type Item: Plain;
    fn items(&self) -> &[Self::Item];
    fn from_vec(v: Vec<Self::Item>) -> Self;
}

impl<T: Plain> Array for Vec<T> {
    type Item = T;
    fn items(&self) -> &[T] {
        self
    }
    fn from_vec(v: Vec<T>) -> Self {
        v
    }
}

impl<T: Plain> Array for Box<[T]> {
    type Item = T;
    fn items(&self) -> &[T] {
        self
    }
    fn from_vec(v: Vec<T>) -> Self {
        v.into_boxed_slice()
    }
}

/// The array's values as one run of bytes.
pub fn serialize<A: Array, S: Serializer>(a: &A, s: S) -> Result<S::Ok, S::Error> {
    let items = a.items();
    let mut out = Vec::with_capacity(items.len() * A::Item::WIDTH);
    for &x in items {
        x.put(&mut out);
    }
    s.serialize_bytes(&out)
}

/// An array written by [`serialize`].
pub fn deserialize<'de, A: Array, D: Deserializer<'de>>(d: D) -> Result<A, D::Error> {
    d.deserialize_bytes(Bytes(std::marker::PhantomData))
}

struct Bytes<A>(std::marker::PhantomData<A>);

impl<A: Array> Visitor<'_> for Bytes<A> {
    type Value = A;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        write!(f, "bytes of values {} bytes wide", A::Item::WIDTH)
    }

    fn visit_bytes<E: de::Error>(self, bytes: &[u8]) -> Result<A, E> {
        let width = A::Item::WIDTH;
        if !bytes.len().is_multiple_of(width) {
            return Err(E::invalid_length(bytes.len(), &self));
        }
        bytes
            .chunks_exact(width)
            .map(A::Item::take)
            .collect::<Option<Vec<_>>>()
            .map(A::from_vec)
            .ok_or_else(|| E::invalid_value(de::Unexpected::Bytes(bytes), &self))
    }

    fn visit_byte_buf<E: de::Error>(self, bytes: Vec<u8>) -> Result<A, E> {
        self.visit_bytes(&bytes)
    }
}

#[cfg(test)]
mod tests {
    use serde::{Deserialize, Serialize};

    #[derive(Debug, PartialEq, Serialize, Deserialize)]
    struct Arrays {
        #[serde(with = "super")]
        a: Vec<u32>,
        #[serde(with = "super")]
        b: Box<[(u32, u16)]>,
        #[serde(with = "super")]
        c: Vec<[u64; 4]>,
        #[serde(with = "super")]
        d: Vec<u8>,
    }

    #[test]
    fn arrays_read_back_as_written_and_a_cut_array_is_an_error() {
        let v = Arrays {
            a: vec![0, 1, u32::MAX, 70_000],
            b: vec![(1, 2), (u32::MAX, u16::MAX)].into(),
            c: vec![[1, 2, 3, u64::MAX]],
            d: vec![],
        };
        let bytes = rmp_serde::to_vec(&v).expect("encodes");
        // One binary value per array: 4 × 4 bytes, then 2 × 6.
        assert!(bytes.windows(2).any(|w| w == [0xc4, 16]));
        assert!(bytes.windows(2).any(|w| w == [0xc4, 12]));
        let back: Arrays = rmp_serde::from_slice(&bytes).expect("decodes");
        assert_eq!(back, v);
        let streamed: Arrays = rmp_serde::from_read(&bytes[..]).expect("decodes from a reader");
        assert_eq!(streamed, v);

        // `a` cut to 15 bytes: not a whole number of values.
        let mut cut = bytes.clone();
        let at = cut.windows(2).position(|w| w == [0xc4, 16]).expect("a");
        cut[at + 1] = 15;
        cut.remove(at + 2);
        let err = rmp_serde::from_slice::<Arrays>(&cut).expect_err("a cut array");
        assert!(err.to_string().contains("4 bytes wide"), "{err}");
    }
}
