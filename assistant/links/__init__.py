"""The ledger of links to your own sites (assist links): exports in, checks of the linking pages, states and lost reasons, reclaim, the risk review and the disavow file."""
