package dev.parley.transaction;
