//! Pages of the expert pool (专家库) and the expert's own declarations.
