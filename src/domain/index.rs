//! Typed indices: a dense position into one of a scenario's entity vectors, one type per
//! entity so a school index cannot address a child.

macro_rules! index_type {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub struct $name(pub u32);

        impl $name {
            /// The position in the scenario's vector.
            #[inline]
            pub fn ix(self) -> usize {
                self.0 as usize
            }
        }
    };
}

index_type!(
    /// Index of a district in a scenario's districts.
    DistrictIdx
);
index_type!(
    /// Index of a public school in a scenario's public schools.
    SchoolIdx
);
index_type!(
    /// Index of a private school in a scenario's private schools.
    PrivateIdx
);
index_type!(
    /// Index of a child in a scenario's children.
    ChildIdx
);
