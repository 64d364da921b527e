//! Server functions of the draw, invitations and lending.
