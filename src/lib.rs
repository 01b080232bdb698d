//! evidex
